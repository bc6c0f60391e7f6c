using BackupPlatform.Contracts;
using BackupPlatform.Contracts.Backup.V2;
using BackupPlatform.Storage.Stores;
using MassTransit;

namespace BackupPlatform.Worker;

/// <summary>Announces this host to the scheduler at start and then every heartbeat interval.</summary>
internal sealed class HeartbeatPublisher(IBus bus, WorkerOptions options, IObjectStore store, OperationSlots slots, ILogger<HeartbeatPublisher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.HeartbeatInterval);
        do
        {
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
                        SentAt = DateTime.UtcNow,
                    },
                    stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Heartbeat of {Host} not sent", options.Host);
            }
        }
        while (await NextTickAsync(timer, stoppingToken));
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
