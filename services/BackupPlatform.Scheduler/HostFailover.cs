using BackupPlatform.Contracts.Backup.V2;
using BackupPlatform.Data;
using BackupPlatform.Hosting;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Scheduler;

/// <summary>
/// Watches the registry for hosts whose heartbeats stopped. For each: the commands in its queue go
/// back to the scheduler and on to a live host; what it was doing and cannot be handed on ends the
/// way a worker's own restart cleanup ends it (<see cref="StrandedBackups"/>; deletes are sent again).
/// Nothing waits for a host that is gone. Repeating it for the same host finds nothing left to do.
/// A host that says it is draining keeps its work in flight; only its queue is handed on, and only
/// when another host can take it.
/// Silence means something only while the scheduler could have heard: through a broker outage (or
/// right after the scheduler starts) every host is silent, yet its workers keep working. A host is
/// judged only after the scheduler's own bus has been connected for a whole ServiceDownTime.
/// Every scheduler replica runs this check: what was done for a host is marked on its row
/// (<see cref="BackupServiceHost.FailedOverAt"/>, <see cref="BackupServiceHost.QueueHandedOn"/>), and
/// a replica acts on a host only under that host's database lock and after reading the mark again,
/// so a host is failed over once however many replicas see it silent. A replica that dies mid-way
/// leaves no mark and releases the lock (its connection drops): another one does it again.
/// </summary>
public sealed class HostFailover(IServiceScopeFactory scopes, IHostQueueDrain drain, IBusControl bus, SchedulerOptions options, ServiceRegistryOptions registry, ILogger<HostFailover> logger) : BackgroundService
{
    // Whether this replica can hear heartbeats is its own state, not the cluster's: it stays here.
    private DateTime? _hearingSince;

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
        var now = DateTime.UtcNow;
        var judgeSilence = SilenceMeansDown(now);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupDbContext>();
        var hosts = await db.BackupServices.AsNoTracking().ToListAsync(cancellationToken);
        foreach (var host in hosts)
        {
            if (registry.IsUp(host, now))
            {
                if (host.Draining && !host.QueueHandedOn && HasOtherOpenHost(hosts, host, now))
                {
                    await OnceForHostAsync(db, host.Host, h => registry.IsUp(h, DateTime.UtcNow) && h.Draining && !h.QueueHandedOn, async ct =>
                    {
                        await HandOnQueuedAsync(db, host, ct);
                        await db.BackupServices.Where(h => h.Host == host.Host && h.Draining)
                            .ExecuteUpdateAsync(s => s.SetProperty(h => h.QueueHandedOn, true), ct);
                    }, cancellationToken);
                }
            }
            else if (judgeSilence && host.FailedOverAt is null)
            {
                await OnceForHostAsync(db, host.Host, h => !registry.IsUp(h, DateTime.UtcNow) && h.FailedOverAt is null, async ct =>
                {
                    await FailOverAsync(scope.ServiceProvider, db, host.Host, ct);
                    // Only if it is still silent: a heartbeat meanwhile cleared the mark and says it is back.
                    var cutoff = DateTime.UtcNow - registry.ServiceDownTime;
                    await db.BackupServices.Where(h => h.Host == host.Host && h.LastSeen < cutoff)
                        .ExecuteUpdateAsync(s => s.SetProperty(h => h.FailedOverAt, DateTime.UtcNow), ct);
                }, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> for the host under its lock, if no other replica holds it (that
    /// one is doing it) and the row, read again under the lock, still <paramref name="needs"/> it.
    /// </summary>
    private async Task OnceForHostAsync(BackupDbContext db, string host, Func<BackupServiceHost, bool> needs, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        var ran = await DatabaseLock.TryRunAsync(
            db,
            $"host-failover:{host}",
            async ct =>
            {
                var row = await db.BackupServices.AsNoTracking().SingleOrDefaultAsync(h => h.Host == host, ct);
                if (row is not null && needs(row))
                {
                    await work(ct);
                }
            },
            cancellationToken);
        if (!ran)
        {
            logger.LogDebug("Another scheduler is handling backup host {Host}", host);
        }
    }

    /// <summary>True once the bus has been healthy for a whole ServiceDownTime: a host silent that long is silent, not unheard.</summary>
    private bool SilenceMeansDown(DateTime now)
    {
        var health = bus.CheckHealth();
        if (health.Status != BusHealthStatus.Healthy)
        {
            if (_hearingSince is not null)
            {
                logger.LogWarning(
                    "The scheduler's bus is {Status} ({Description}): no host is failed over until heartbeats have been heard again for {DownTime}",
                    health.Status,
                    health.Description,
                    registry.ServiceDownTime);
            }

            _hearingSince = null;
            return false;
        }

        _hearingSince ??= now;
        return now - _hearingSince.Value >= registry.ServiceDownTime;
    }

    /// <summary>Another host that can take what was queued for <paramref name="host"/>: same zone and store, up, enabled, not draining.</summary>
    private bool HasOtherOpenHost(List<BackupServiceHost> hosts, BackupServiceHost host, DateTime now) =>
        hosts.Exists(h => h.Host != host.Host && !h.Disabled && !h.Draining && registry.IsUp(h, now)
            && h.AvailabilityZone == host.AvailabilityZone && h.Store == host.Store);

    /// <summary>
    /// A draining host finishes what it began but takes nothing more from its queue: what waits there
    /// is handed on at once rather than after the host is gone, which can be a whole drain timeout.
    /// </summary>
    private async Task HandOnQueuedAsync(BackupDbContext db, BackupServiceHost host, CancellationToken cancellationToken)
    {
        var moved = await MoveQueuedAsync(db, host.Host, cancellationToken);
        logger.LogInformation("Backup host {Host} is draining: {Moved} queued commands re-routed", host.Host, moved);
    }

    private async Task FailOverAsync(IServiceProvider services, BackupDbContext db, string host, CancellationToken cancellationToken)
    {
        logger.LogWarning("Backup host {Host} is down (no heartbeat for {DownTime}); failing over its work", host, registry.ServiceDownTime);

        // First end what the host had begun, so that its commands, back in its queue since its
        // connection dropped, find their backups finished and do nothing where they are re-routed.
        var stranded = services.GetRequiredService<StrandedBackups>();
        var begun = await stranded.BegunOnAsync(host, DateTime.UtcNow, cancellationToken);
        var reason = $"backup host {host} went down (no heartbeat for {registry.ServiceDownTime.TotalSeconds:0} s) while working on it.";
        foreach (var backup in begun)
        {
            if (backup.Status == BackupStatus.Deleting)
            {
                // A delete is safe to run again anywhere: hand it to another host.
                await db.Backups.Where(b => b.Id == backup.Id).ExecuteUpdateAsync(s => s.SetProperty(b => b.WorkStartedAt, (DateTime?)null), cancellationToken);
                db.Send(QueueNames.Scheduler, new DeleteBackup { BackupId = backup.Id }, backup.Id);
                await db.SaveChangesAsync(cancellationToken);
                services.GetService<OutboxSignal>()?.Notify();
            }
            else
            {
                await stranded.EndAsync(backup, reason, cancellationToken);
            }
        }

        var moved = await MoveQueuedAsync(db, host, cancellationToken);
        logger.LogWarning("Host {Host}: {Moved} queued commands re-routed, {Begun} operations in flight ended", host, moved, begun.Count);
    }

    /// <summary>What was only queued for the host goes back to the scheduler and on to another host.</summary>
    private async Task<int> MoveQueuedAsync(BackupDbContext db, string host, CancellationToken cancellationToken)
    {
        var moved = await drain.DrainAsync(host, cancellationToken);
        if (moved.Count > 0)
        {
            await db.Backups.Where(b => moved.Contains(b.Id) && b.Host == host && b.WorkStartedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.Host, (string?)null), cancellationToken);
        }

        return moved.Count;
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
