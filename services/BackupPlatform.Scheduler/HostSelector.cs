using BackupPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Scheduler;

/// <summary>
/// Picks a worker host: live (heard from within the service down time), enabled, in the wanted
/// availability zone and serving the wanted store when they are given, and not draining unless no
/// other host qualifies. Among those, the one with the fewest operations in flight, then the fewest
/// backups ever given, so that work spreads evenly even when every host is idle between commands.
/// </summary>
public sealed class HostSelector(BackupDbContext db, SchedulerOptions options, ServiceRegistryOptions registry)
{
    private static readonly string[] InFlight = [BackupStatus.Creating, BackupStatus.Restoring, BackupStatus.Deleting];

    public async Task<string?> PickAsync(string? availabilityZone, string? store, string? preferredHost, CancellationToken cancellationToken)
    {
        var cutoff = DateTime.UtcNow - registry.ServiceDownTime;
        var live = await db.BackupServices.AsNoTracking()
            .Where(h => !h.Disabled && h.LastSeen >= cutoff
                && (availabilityZone == null || h.AvailabilityZone == availabilityZone)
                && (store == null || h.Store == store))
            .Select(h => new { h.Host, h.Draining })
            .ToListAsync(cancellationToken);
        if (live.Count == 0)
        {
            return null;
        }

        // A draining host finishes its work and takes nothing new from its queue until it restarts.
        // It is chosen only when no other host can take the command, which then waits for that
        // restart instead of failing (a rolling update in a zone with one worker).
        var open = live.Where(h => !h.Draining).Select(h => h.Host).ToList();
        var candidates = open.Count > 0 ? open : live.Select(h => h.Host).ToList();

        if (preferredHost is not null && candidates.Contains(preferredHost))
        {
            return preferredHost;
        }

        var load = await db.Backups.AsNoTracking()
            .Where(b => b.Host != null && candidates.Contains(b.Host))
            .GroupBy(b => b.Host!)
            .Select(g => new { Host = g.Key, InFlight = g.Count(b => InFlight.Contains(b.Status)), Total = g.Count() })
            .ToDictionaryAsync(x => x.Host, cancellationToken);
        return candidates
            .OrderBy(h => load.TryGetValue(h, out var l) ? l.InFlight : 0)
            .ThenBy(h => load.TryGetValue(h, out var l) ? l.Total : 0)
            .ThenBy(h => h, StringComparer.Ordinal)
            .First();
    }

    /// <summary>Waits up to the grace period for a host to appear, so that work sent while workers start is not failed at once.</summary>
    public async Task<string?> WaitForHostAsync(string? availabilityZone, string? store, string? preferredHost, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + options.NoHostGracePeriod;
        while (true)
        {
            var host = await PickAsync(availabilityZone, store, preferredHost, cancellationToken);
            if (host is not null || DateTime.UtcNow >= deadline)
            {
                return host;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }
}
