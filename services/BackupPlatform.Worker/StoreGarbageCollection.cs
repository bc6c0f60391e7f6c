using BackupPlatform.Data;
using BackupPlatform.Storage.Engine;
using BackupPlatform.Storage.Stores;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Worker;

/// <summary>
/// Frees the packs that deleted and failed backups leave behind, on a schedule and on demand. Workers
/// that share a store would collect the same containers: one pass per container runs at a time in the
/// whole deployment (a database lock), and a worker that finds the lock taken skips that container.
/// </summary>
internal sealed class StoreGarbageCollection(
    IServiceScopeFactory scopes,
    IObjectStore store,
    EngineOptions engine,
    GarbageCollectionOptions options,
    ILogger<StoreGarbageCollection> logger) : BackgroundService
{
    /// <summary>Collects one container now; null when another worker is collecting it.</summary>
    public async Task<GarbageCollection?> CollectAsync(string container, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupDbContext>();
        GarbageCollection? result = null;
        await DatabaseLock.TryRunAsync(db, $"garbage-collection:{store.Name}:{container}", async ct =>
        {
            result = await new GarbageCollector(store, engine).CollectAsync(container, options.Grace, options.LockStaleAfter, ct);
        }, cancellationToken);

        if (result is { } done)
        {
            logger.LogInformation(
                "Garbage collection of {Store} container {Container}: {Backups} backups reference {Referenced} of {Packs} packs; {Condemned} condemned, {Deleted} deleted, {Pardoned} pardoned, {Waiting} waiting; {Abandoned} abandoned uploads removed",
                store.Name, container, done.Backups, done.ReferencedPacks, done.Packs, done.Condemned, done.Deleted, done.Pardoned, done.WaitingForGraceOrBackups, done.AbandonedUploads);
        }

        return result;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var container in await ContainersAsync(stoppingToken))
            {
                try
                {
                    await CollectAsync(container, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The next pass tries again; a store that is down fails backups loudly enough.
                    logger.LogWarning(e, "Garbage collection of container {Container} failed", container);
                }
            }
        }
    }

    private async Task<List<string>> ContainersAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupDbContext>();

        // Deleted rows too: a container whose last backup was deleted still holds that backup's packs.
        return await db.Backups
            .Where(b => b.Container != null)
            .Select(b => b.Container!)
            .Distinct()
            .ToListAsync(cancellationToken);
    }
}
