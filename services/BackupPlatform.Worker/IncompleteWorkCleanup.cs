using BackupPlatform.Data;
using BackupPlatform.Hosting;
using BackupPlatform.Storage.Engine;
using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Worker;

/// <summary>
/// Cinder's init_host: when this worker starts, the work it had begun under its host name before a
/// crash or restart is ended (creates → error with their partial objects removed and the volume back
/// to its previous status; restores → backup available, volume error_restoring) and its deletes
/// are resumed. Work only queued for it is left to the queue.
/// </summary>
internal sealed class IncompleteWorkCleanup(
    IServiceScopeFactory scopes,
    WorkerOptions worker,
    OperationSlots slots,
    IObjectStore store,
    EngineOptions engine,
    StoreGarbageCollection garbage,
    ILogger<IncompleteWorkCleanup> logger) : BackgroundService
{
    private readonly DateTime _started = DateTime.UtcNow;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var stranded = scope.ServiceProvider.GetRequiredService<StrandedBackups>();
        // Only what was begun before this process started: anything newer is this process's own work.
        var begun = await stranded.BegunOnAsync(worker.Host, _started, stoppingToken);
        var abandoned = new HashSet<string>();
        foreach (var backup in begun)
        {
            // A redelivered command for it may hold its slot for the moment it takes to drop itself.
            while (!slots.TryEnter(backup.Id))
            {
                await Task.Delay(100, stoppingToken);
            }

            try
            {
                if (backup.Status == BackupStatus.Deleting)
                {
                    logger.LogWarning("Resuming the delete of backup {BackupId} begun before this worker restarted", backup.Id);
                    await scope.ServiceProvider.GetRequiredService<BackupManager>().DeleteAsync(backup.Id, stoppingToken);
                    continue;
                }

                var ended = await stranded.EndAsync(backup, "incomplete backup reset on manager restart", stoppingToken);
                if (ended && backup.Status == BackupStatus.Creating && backup.Container is { } container)
                {
                    // Its chunks are content-addressed and may be shared; garbage collection takes the unreferenced ones.
                    await new BackupWriter(store, engine).DeleteAsync(container, backup.Id, stoppingToken);
                    abandoned.Add(container);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Could not clean up backup {BackupId} at start", backup.Id);
            }
            finally
            {
                slots.Leave(backup.Id);
            }
        }

        foreach (var container in abandoned)
        {
            try
            {
                // The packs the dead backup uploaded are referenced by nothing now; free them without waiting for the schedule.
                await garbage.CollectAsync(container, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not collect the packs left in container {Container}; the scheduled pass will", container);
            }
        }

        if (begun.Count > 0)
        {
            logger.LogWarning("Start-up cleanup of {Host}: {Count} operations begun before the restart handled", worker.Host, begun.Count);
        }
    }
}
