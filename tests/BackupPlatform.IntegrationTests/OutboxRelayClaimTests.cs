using System.Collections.Concurrent;
using BackupPlatform.Contracts.Backup.V2;
using BackupPlatform.Data;
using BackupPlatform.Hosting;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackupPlatform.IntegrationTests;

/// <summary>
/// Outbox relays of several processes on one PostgreSQL database (the API's, the scheduler's, the
/// workers'): each row is sent once.
/// </summary>
public sealed class OutboxRelayClaimTests
{
    [Fact]
    public async Task Two_relays_on_one_database_send_each_row_once()
    {
        var (postgres, _, _) = await TestServers.IsolateAsync();
        var seen = new ConcurrentQueue<(Guid MessageId, int Percent)>();
        await using var first = await RelayProcess.StartAsync(postgres, "first", seen);
        await using var second = await RelayProcess.StartAsync(postgres, "second", seen);
        await using (var db = first.Db())
        {
            await db.Database.MigrateAsync();
            for (var i = 0; i < 400; i++)
            {
                db.Publish(new BackupNotification { EventType = "backup.createprogress", BackupId = Guid.Empty, TenantId = "p", UserId = "u", Status = "creating", Percent = i, VolumeId = Guid.Empty, CreatedAt = DateTime.UtcNow, Timestamp = DateTime.UtcNow });
            }

            await db.SaveChangesAsync();
        }

        // Both relay at once, as the API's and the scheduler's relays do when woken together.
        await Task.WhenAll(first.RelayAllAsync(), second.RelayAllAsync());
        await Deployment.WaitUntilAsync(() => Task.FromResult(seen.Count >= 400), seconds: 30);
        await Task.Delay(500);

        await using var check = first.Db();
        Assert.Equal(0, await check.OutboxMessages.CountAsync(m => m.SentAt == null));
        var ids = seen.Select(s => s.MessageId).ToList();
        Assert.Equal(400, ids.Count);
        Assert.Equal(400, ids.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 400), seen.Select(s => s.Percent).Order());
    }

    /// <summary>One process's relay: its own in-memory bus and its own connection to the shared database.</summary>
    private sealed class RelayProcess(ServiceProvider services) : IAsyncDisposable
    {
        public static async Task<RelayProcess> StartAsync(string postgres, string name, ConcurrentQueue<(Guid, int)> seen)
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddDbContext<BackupDbContext>(o => o.UseNpgsql(postgres));
            services.AddSingleton<OutboxSignal>();
            services.AddSingleton<OutboxRelay>();
            services.AddMassTransit(bus => bus.UsingInMemory((context, configure) => configure.ReceiveEndpoint($"seen-{name}", endpoint =>
                endpoint.Handler<BackupNotification>(message =>
                {
                    seen.Enqueue((message.MessageId!.Value, message.Message.Percent ?? -1));
                    return Task.CompletedTask;
                }))));
            var provider = services.BuildServiceProvider();
            await provider.GetRequiredService<IBusControl>().StartAsync();
            return new RelayProcess(provider);
        }

        public BackupDbContext Db() => services.CreateScope().ServiceProvider.GetRequiredService<BackupDbContext>();

        public async Task RelayAllAsync()
        {
            var relay = services.GetRequiredService<OutboxRelay>();
            var idle = 0;
            while (idle < 20)
            {
                idle = await relay.RelayBatchAsync(CancellationToken.None) == 0 ? idle + 1 : 0;
                await Task.Yield();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await services.GetRequiredService<IBusControl>().StopAsync();
            await services.DisposeAsync();
        }
    }
}
