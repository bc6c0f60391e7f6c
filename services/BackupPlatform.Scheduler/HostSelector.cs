using BackupPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Scheduler;

/// <summary>
/// Picks a worker host: live (heard from within the service down time), enabled, in the wanted
/// availability zone and serving the wanted store when they are given; which of them is
/// <see cref="HostChoice"/>'s decision, on the load the backups table shows.
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
            .Select(h => new HostCandidate(h.Host, h.Draining))
            .ToListAsync(cancellationToken);
        if (live.Count == 0)
        {
            return null;
        }

        if (preferredHost is not null && HostChoice.Choose(live, new Dictionary<string, HostLoad>(), preferredHost) == preferredHost)
        {
            return preferredHost;
        }

        var names = live.Select(h => h.Host).ToList();
        var load = await db.Backups.AsNoTracking()
            .Where(b => b.Host != null && names.Contains(b.Host))
            .GroupBy(b => b.Host!)
            .Select(g => new { Host = g.Key, InFlight = g.Count(b => InFlight.Contains(b.Status)), Total = g.Count() })
            .ToDictionaryAsync(x => x.Host, x => new HostLoad(x.InFlight, x.Total), cancellationToken);
        return HostChoice.Choose(live, load, preferredHost);
    }

    /// <summary>
    /// Picks a host and records it on the backup as one step that no other routing decision for the
    /// same zone (or, without a zone, the same store) interleaves with, in this scheduler or another
    /// replica: a PostgreSQL advisory lock per zone, held only for the pick and the write, or on
    /// SQLite (one process) a lock of the process. Without it two decisions made at once read the
    /// same load and send both backups to the same host. While no host qualifies it waits up to the
    /// grace period, so that work sent while workers start is not failed at once; the lock is not
    /// held while it waits, so a command waiting for one zone delays no other.
    /// </summary>
    /// <returns>The host now on the backup's row, or null when none appeared in time (the row is untouched).</returns>
    public async Task<string?> RouteAsync(Guid backupId, string? availabilityZone, string? store, string? preferredHost, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + options.NoHostGracePeriod;
        var name = availabilityZone is not null ? $"route:zone:{availabilityZone}" : $"route:store:{store}";
        while (true)
        {
            string? host = null;
            await DatabaseLock.RunAsync(
                db,
                name,
                async ct =>
                {
                    host = await PickAsync(availabilityZone, store, preferredHost, ct);
                    if (host is not null)
                    {
                        await db.Backups.Where(b => b.Id == backupId).ExecuteUpdateAsync(s => s.SetProperty(b => b.Host, host), ct);
                    }
                },
                cancellationToken);
            if (host is not null || DateTime.UtcNow >= deadline)
            {
                return host;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }
}
