using BackupPlatform.Contracts.Backup.V2;
using BackupPlatform.Data;
using BackupPlatform.Hosting;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Worker;

/// <summary>
/// Publishes Cinder's backup notifications from the current row. A notification that cannot be
/// published is logged and dropped: it never fails the backup it describes. Each reads the row in
/// its own scope, since progress is reported from the pipeline's threads.
/// </summary>
public sealed class BackupNotifier(IServiceScopeFactory scopes, IBus publisher, ILogger<BackupNotifier> logger)
{
    public async Task NotifyAsync(Guid backupId, string eventType, int? percent = null)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BackupDbContext>();
            var backup = await db.Backups.AsNoTracking().SingleOrDefaultAsync(b => b.Id == backupId);
            if (backup is null)
            {
                return;
            }

            await publisher.Publish(BackupNotifications.Of(backup, eventType, percent));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Notification {EventType} for backup {BackupId} not published", eventType, backupId);
        }
    }

    /// <summary>Reports progress as a notification at every further tenth of <paramref name="totalBytes"/>.</summary>
    public IProgress<long> Progress(Guid backupId, string eventType, long totalBytes)
    {
        var lastTenth = 0;
        return new Progress<long>(done =>
        {
            var tenth = totalBytes <= 0 ? 10 : (int)(done * 10 / totalBytes);
            var previous = Volatile.Read(ref lastTenth);
            if (tenth > previous && tenth < 10 && Interlocked.CompareExchange(ref lastTenth, tenth, previous) == previous)
            {
                _ = NotifyAsync(backupId, eventType, tenth * 10);
            }
        });
    }
}
