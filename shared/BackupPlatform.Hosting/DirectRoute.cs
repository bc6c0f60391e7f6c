using BackupPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Hosting;

/// <summary>
/// Where a restore or a delete is sent: as Cinder does, straight to the host that made the backup
/// (backup.host) when that host is up, enabled, not draining and still writes to the backup's store,
/// which saves the scheduler hop; otherwise to the scheduler, which picks another host of that store.
/// A host that dies with the command in its queue is failed over like any other (its queue goes back
/// to the scheduler).
/// </summary>
public static class DirectRoute
{
    /// <returns>The queue to send to, and the host when it is a host's own queue.</returns>
    public static async Task<(string Queue, string? Host)> ForBackupAsync(BackupDbContext db, Backup backup, ServiceRegistryOptions registry, CancellationToken cancellationToken)
    {
        if (backup.Host is { } host && backup.Service is { } store)
        {
            var cutoff = DateTime.UtcNow - registry.ServiceDownTime;
            if (await db.BackupServices.AnyAsync(h => h.Host == host && h.Store == store && !h.Disabled && !h.Draining && h.LastSeen >= cutoff, cancellationToken))
            {
                return (QueueNames.Worker(host), host);
            }
        }

        return (QueueNames.Scheduler, null);
    }
}
