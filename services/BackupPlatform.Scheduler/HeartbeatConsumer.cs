using BackupPlatform.Contracts.Backup.V2;
using BackupPlatform.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Scheduler;

/// <summary>Keeps the service registry current from the workers' heartbeats.</summary>
public sealed class HeartbeatConsumer(BackupDbContext db) : IConsumer<BackupServiceHeartbeat>
{
    public async Task Consume(ConsumeContext<BackupServiceHeartbeat> context)
    {
        var beat = context.Message;
        var now = DateTime.UtcNow;
        var host = await db.BackupServices.SingleOrDefaultAsync(h => h.Host == beat.Host, context.CancellationToken);
        if (host is null)
        {
            host = new BackupServiceHost
            {
                Host = beat.Host,
                AvailabilityZone = beat.AvailabilityZone,
                Store = beat.Store,
                Version = beat.Version,
                CreatedAt = now,
            };
            db.BackupServices.Add(host);
        }

        host.AvailabilityZone = beat.AvailabilityZone;
        host.Store = beat.Store;
        host.Version = beat.Version;
        host.ActiveOperations = beat.ActiveOperations;
        host.MaxOperations = beat.MaxOperations;
        host.Draining = beat.Draining;
        host.LastSeen = now;
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
