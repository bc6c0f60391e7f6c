using BackupPlatform.Contracts.Backup.V2;
using BackupPlatform.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Scheduler;

/// <summary>Keeps the service registry current from the workers' heartbeats.</summary>
public sealed class HeartbeatConsumer(BackupDbContext db) : IConsumer<BackupServiceHeartbeat>
{
    public Task Consume(ConsumeContext<BackupServiceHeartbeat> context) =>
        RecordAsync(db, context.Message, DateTime.UtcNow, context.CancellationToken);

    /// <summary>
    /// One statement that inserts the host or updates it, so that heartbeats of a new host handled at
    /// once (several consumers, several scheduler replicas) cannot both insert it. The same SQL runs
    /// on PostgreSQL and SQLite. A heartbeat clears the failover mark (the host is back), and the
    /// queue hand-on mark once the host no longer drains.
    /// </summary>
    public static Task<int> RecordAsync(BackupDbContext db, BackupServiceHeartbeat beat, DateTime now, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO backup_services (host, availability_zone, store, version, active_operations, max_operations, disabled, draining, last_seen, created_at, queue_handed_on)
            VALUES ({beat.Host}, {beat.AvailabilityZone}, {beat.Store}, {beat.Version}, {beat.ActiveOperations}, {beat.MaxOperations}, {false}, {beat.Draining}, {now}, {now}, {false})
            ON CONFLICT (host) DO UPDATE SET
                availability_zone = excluded.availability_zone,
                store = excluded.store,
                version = excluded.version,
                active_operations = excluded.active_operations,
                max_operations = excluded.max_operations,
                draining = excluded.draining,
                last_seen = excluded.last_seen,
                failed_over_at = NULL,
                queue_handed_on = CASE WHEN excluded.draining THEN backup_services.queue_handed_on ELSE excluded.queue_handed_on END
            """,
            cancellationToken);
}
