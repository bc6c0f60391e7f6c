using BackupPlatform.Contracts.Backup.V2;
using BackupPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Scheduler.Tests;

/// <summary>
/// The all-in-one's database: SQLite, one process. Routing decisions made at once are still made one
/// at a time per zone (a lock of the process), and the heartbeat upsert is valid SQLite.
/// </summary>
public sealed class SqliteRoutingTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"bp-scheduler-{Guid.NewGuid():N}.db");

    public async Task InitializeAsync()
    {
        await using var db = Db();
        await db.PrepareSchemaAsync(CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task Creates_routed_at_once_spread_within_one()
    {
        var now = DateTime.UtcNow;
        // Many at once on many threads, so that without the lock decisions would interleave.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), io);
        var backups = Enumerable.Range(0, 96).Select(_ => Guid.NewGuid()).ToList();
        await using (var db = Db())
        {
            foreach (var host in new[] { "a", "b", "c" })
            {
                await HeartbeatConsumer.RecordAsync(db, Beat(host), now.AddHours(1), CancellationToken.None);
            }

            db.Backups.AddRange(backups.Select(id => new Backup { Id = id, ProjectId = "p", UserId = "u", Status = BackupStatus.Creating, AvailabilityZone = "nova", CreatedAt = now }));
            await db.SaveChangesAsync();
        }

        await Task.WhenAll(backups.Select(id => Task.Run(async () =>
        {
            await using var db = Db();
            var selector = new HostSelector(db, new SchedulerOptions { NoHostGracePeriod = TimeSpan.Zero }, new ServiceRegistryOptions());
            Assert.NotNull(await selector.RouteAsync(id, "nova", null, null, CancellationToken.None));
        })));

        await using var rows = Db();
        var perHost = await rows.Backups.GroupBy(b => b.Host!).Select(g => g.Count()).ToListAsync();
        Assert.Equal(3, perHost.Count);
        Assert.True(perHost.Max() - perHost.Min() <= 1, string.Join(", ", perHost));
    }

    [Fact]
    public async Task A_heartbeat_inserts_the_host_once_and_updates_it_after()
    {
        var first = DateTime.UtcNow;
        await using (var db = Db())
        {
            await HeartbeatConsumer.RecordAsync(db, Beat("h") with { Draining = true }, first, CancellationToken.None);
            await db.BackupServices.ExecuteUpdateAsync(s => s.SetProperty(h => h.QueueHandedOn, true).SetProperty(h => h.FailedOverAt, first));
            await HeartbeatConsumer.RecordAsync(db, Beat("h") with { Draining = true, ActiveOperations = 3 }, first.AddSeconds(1), CancellationToken.None);
        }

        await using (var db = Db())
        {
            var host = await db.BackupServices.SingleAsync();
            Assert.Equal(3, host.ActiveOperations);
            Assert.True(host.QueueHandedOn, "a host still draining keeps its hand-on mark");
            Assert.Null(host.FailedOverAt);
            await HeartbeatConsumer.RecordAsync(db, Beat("h"), first.AddSeconds(2), CancellationToken.None);
        }

        await using (var db = Db())
        {
            var host = await db.BackupServices.SingleAsync();
            Assert.False(host.QueueHandedOn);
            Assert.False(host.Draining);
            Assert.Equal(first.AddSeconds(2), host.LastSeen, TimeSpan.FromMilliseconds(1));
        }
    }

    private static BackupServiceHeartbeat Beat(string host) =>
        new() { Host = host, AvailabilityZone = "nova", Store = "posix", Version = "2.0", SentAt = DateTime.UtcNow };

    private BackupDbContext Db() =>
        new(new DbContextOptionsBuilder<BackupDbContext>().UseSqlite($"Data Source={_path}").Options);
}
