using BackupPlatform.Contracts;
using BackupPlatform.Contracts.Backup.V2;
using BackupPlatform.Storage.Stores;
using MassTransit;

namespace BackupPlatform.Worker;

/// <summary>
/// Announces this host to the scheduler at start and then every heartbeat interval. Once the host
/// is told to stop it beats at once with <see cref="BackupServiceHeartbeat.Draining"/> set, and goes
/// on beating while it drains, so the scheduler sends new work elsewhere without failing this host's.
/// </summary>
internal sealed class HeartbeatPublisher(
    IBus bus,
    WorkerOptions options,
    IObjectStore store,
    OperationSlots slots,
    IHostApplicationLifetime lifetime,
    ILogger<HeartbeatPublisher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.HeartbeatInterval);
        do
        {
            var draining = lifetime.ApplicationStopping.IsCancellationRequested;
            if (draining)
            {
                logger.LogInformation("Host {Host} is draining: {Active} operations in flight, no new ones taken", options.Host, slots.Active);
            }

            try
            {
                await bus.Publish(
                    new BackupServiceHeartbeat
                    {
                        Host = options.Host,
                        AvailabilityZone = options.AvailabilityZone,
                        Store = store.Name,
                        Version = RpcVersion.Current,
                        ActiveOperations = slots.Active,
                        MaxOperations = options.MaxOperations,
                        Draining = draining,
                        SentAt = DateTime.UtcNow,
                    },
                    stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Heartbeat of {Host} not sent", options.Host);
            }
        }
        while (await NextBeatAsync(timer, stoppingToken));
    }

    /// <summary>The next interval, cut short by the first stop request.</summary>
    private async Task<bool> NextBeatAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        using var either = lifetime.ApplicationStopping.IsCancellationRequested
            ? CancellationTokenSource.CreateLinkedTokenSource(stoppingToken)
            : CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        try
        {
            return await timer.WaitForNextTickAsync(either.Token);
        }
        catch (OperationCanceledException)
        {
            return !stoppingToken.IsCancellationRequested;
        }
    }
}
