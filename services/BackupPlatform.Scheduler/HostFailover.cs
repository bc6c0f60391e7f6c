using BackupPlatform.Contracts.Backup.V2;
using BackupPlatform.Data;
using BackupPlatform.Hosting;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Scheduler;

/// <summary>
/// Watches the registry for hosts whose heartbeats stopped. For each: the commands in its queue go
/// back to the scheduler and on to a live host; what it was doing and cannot be handed on ends the
/// way a worker's own restart cleanup ends it (creating → error, volume back to its previous status;
/// restoring → available, volume error_restoring; deleting → sent again). Nothing waits for a host
/// that is gone. Repeating it for the same host finds nothing left to do.
/// </summary>
public sealed class HostFailover(IServiceScopeFactory scopes, IHostQueueDrain drain, SchedulerOptions options, ServiceRegistryOptions registry, ILogger<HostFailover> logger) : BackgroundService
{
    private readonly HashSet<string> _handled = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.FailoverInterval);
        do
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Host failover check failed");
            }
        }
        while (await NextTickAsync(timer, stoppingToken));
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupDbContext>();
        var now = DateTime.UtcNow;
        var hosts = await db.BackupServices.AsNoTracking().ToListAsync(cancellationToken);
        foreach (var host in hosts)
        {
            if (registry.IsUp(host, now))
            {
                _handled.Remove(host.Host);
            }
            else if (!_handled.Contains(host.Host))
            {
                await FailOverAsync(scope.ServiceProvider, db, host.Host, cancellationToken);
                _handled.Add(host.Host);
            }
        }
    }

    private async Task FailOverAsync(IServiceProvider services, BackupDbContext db, string host, CancellationToken cancellationToken)
    {
        logger.LogWarning("Backup host {Host} is down (no heartbeat for {DownTime}); failing over its work", host, registry.ServiceDownTime);

        // Backups whose commands are moved are no longer the dead host's: clear it first, so the
        // cleanup below leaves them alone even if the scheduler routes them a moment later.
        var moved = await drain.DrainAsync(host, cancellationToken);
        if (moved.Count > 0)
        {
            await db.Backups.Where(b => moved.Contains(b.Id) && b.Host == host).ExecuteUpdateAsync(s => s.SetProperty(b => b.Host, (string?)null), cancellationToken);
        }

        var volumes = services.GetRequiredService<VolumeServiceClient>();
        var stranded = await db.Backups.AsNoTracking()
            .Where(b => b.Host == host && (b.Status == BackupStatus.Creating || b.Status == BackupStatus.Restoring || b.Status == BackupStatus.Deleting))
            .ToListAsync(cancellationToken);
        var reason = $"Backup host {host} went down (no heartbeat for {registry.ServiceDownTime.TotalSeconds:0} s) while working on it.";
        foreach (var backup in stranded)
        {
            switch (backup.Status)
            {
                case BackupStatus.Creating:
                    await ReleaseAsync(volumes, backup.VolumeId, null);
                    await db.FailAsync(backup.Id, BackupStatus.Creating, $"Incomplete backup reset: {reason}", cancellationToken);
                    break;
                case BackupStatus.Restoring:
                    if (backup.RestoreVolumeId is { } target)
                    {
                        await ReleaseAsync(volumes, target, "error_restoring");
                    }

                    var restoreReason = BackupTransitions.BoundReason($"Restore interrupted: {reason}");
                    await db.Backups.Where(b => b.Id == backup.Id && b.Status == BackupStatus.Restoring).ExecuteUpdateAsync(
                        s => s.SetProperty(b => b.Status, BackupStatus.Available).SetProperty(b => b.FailReason, restoreReason), cancellationToken);
                    break;
                case BackupStatus.Deleting:
                    db.Send(QueueNames.Scheduler, new DeleteBackup { BackupId = backup.Id }, backup.Id);
                    await db.SaveChangesAsync(cancellationToken);
                    services.GetService<OutboxSignal>()?.Notify();
                    break;
            }
        }

        logger.LogWarning("Host {Host}: {Moved} queued commands re-routed, {Stranded} operations in flight ended", host, moved.Count, stranded.Count);
    }

    private async Task ReleaseAsync(VolumeServiceClient volumes, Guid volumeId, string? status)
    {
        try
        {
            await volumes.ReleaseAsync(volumeId, status, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not release volume {VolumeId}", volumeId);
        }
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
