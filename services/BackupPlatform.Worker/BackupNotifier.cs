using BackupPlatform.Data;
using BackupPlatform.Hosting;

namespace BackupPlatform.Worker;

/// <summary>
/// Cinder's progress notifications of a running create or restore. They go through the outbox like the
/// lifecycle's own (one path for every notification, relayed in order), built from the row as the move that
/// began the work left it: no read of the row per notification. A notification that cannot be written is
/// logged and dropped: it never fails the backup it describes. Each writes in its own scope, since progress
/// is reported from the pipeline's threads.
/// </summary>
public sealed class BackupNotifier(IServiceScopeFactory scopes, OutboxSignal signal, ILogger<BackupNotifier> logger)
{
    /// <summary>Reports progress as a notification at every further tenth of <paramref name="totalBytes"/>.</summary>
    public IProgress<long> Progress(Backup begun, string eventType, long totalBytes)
    {
        var lastTenth = 0;
        return new Progress<long>(done =>
        {
            var tenth = totalBytes <= 0 ? 10 : (int)(done * 10 / totalBytes);
            var previous = Volatile.Read(ref lastTenth);
            if (tenth > previous && tenth < 10 && Interlocked.CompareExchange(ref lastTenth, tenth, previous) == previous)
            {
                _ = NotifyAsync(begun, eventType, tenth * 10);
            }
        });
    }

    private async Task NotifyAsync(Backup begun, string eventType, int percent)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BackupDbContext>();
            db.Publish(BackupNotifications.Of(begun, eventType, percent));
            await db.SaveChangesAsync();
            signal.Notify();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Notification {EventType} for backup {BackupId} not written", eventType, begun.Id);
        }
    }
}
