using BackupPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Scheduler;

/// <summary>
/// Picks a worker host: live (heard from within the service down time), enabled, in the wanted
/// availability zone when one is given, least loaded first.
/// </summary>
public sealed class HostSelector(BackupDbContext db, SchedulerOptions options)
{
    public async Task<string?> PickAsync(string? availabilityZone, string? preferredHost, CancellationToken cancellationToken)
    {
        var cutoff = DateTime.UtcNow - options.ServiceDownTime;
        var live = await db.BackupServices.AsNoTracking()
            .Where(h => !h.Disabled && h.LastSeen >= cutoff && (availabilityZone == null || h.AvailabilityZone == availabilityZone))
            .ToListAsync(cancellationToken);
        if (live.Count == 0)
        {
            return null;
        }

        if (preferredHost is not null && live.Any(h => h.Host == preferredHost))
        {
            return preferredHost;
        }

        var least = live.Min(h => h.ActiveOperations);
        var candidates = live.Where(h => h.ActiveOperations == least).ToList();
        return candidates[Random.Shared.Next(candidates.Count)].Host;
    }

    /// <summary>Waits up to the grace period for a host to appear, so that work sent while workers start is not failed at once.</summary>
    public async Task<string?> WaitForHostAsync(string? availabilityZone, string? preferredHost, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + options.NoHostGracePeriod;
        while (true)
        {
            var host = await PickAsync(availabilityZone, preferredHost, cancellationToken);
            if (host is not null || DateTime.UtcNow >= deadline)
            {
                return host;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }
}
