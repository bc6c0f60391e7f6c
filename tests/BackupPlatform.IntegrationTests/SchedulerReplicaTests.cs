using System.Diagnostics;
using BackupPlatform.Contracts.Backup.V2;
using BackupPlatform.Data;
using BackupPlatform.Hosting;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace BackupPlatform.IntegrationTests;

/// <summary>
/// The scheduler scaled out: two replicas (the deployment's own and one more as its own process) on one
/// PostgreSQL and one RabbitMQ route a burst once each and evenly, fail a dead host over once; and a
/// command waiting for a host in one zone holds up no other zone.
/// </summary>
/// <remarks>
/// The hosts here are registry rows heard from for the next hour with no worker behind them: what
/// each was sent stays in its queue to be counted, and all of it stays in flight, so an even spread
/// is exactly within one.
/// </remarks>
public sealed class SchedulerReplicaTests(ITestOutputHelper output)
{
    private const string Unlimited = "--BackupPlatform:Quotas:Backups=-1";

    [Fact]
    public async Task Two_schedulers_route_a_burst_of_creates_each_to_one_host_spread_within_one()
    {
        await using var deployment = await Deployment.StartAsync(withWorker: false, Unlimited);
        await deployment.StartSchedulerProcessAsync();
        var hosts = new[] { "az1-a", "az1-b", "az1-c" };
        await RegisterAsync(deployment, DateTime.UtcNow.AddHours(1), hosts.Select(h => (h, "az1")).ToArray());
        var inProcess = new CountingObserver();
        using var _ = deployment.SchedulerHost.Services.GetRequiredService<IBus>().ConnectConsumeObserver(inProcess);

        var volumes = new List<Guid>();
        for (var i = 0; i < 24; i++)
        {
            volumes.Add(await deployment.CreateVolumeAsync(1, "az1"));
        }

        var backups = await Task.WhenAll(volumes.Select(deployment.CreateBackupAsync));

        await Deployment.WaitUntilAsync(async () =>
        {
            await using var db = deployment.BackupDb();
            return await db.Backups.CountAsync(b => backups.Contains(b.Id) && b.Host != null) == backups.Length;
        });
        await using (var db = deployment.BackupDb())
        {
            var perHost = await db.Backups.Where(b => backups.Contains(b.Id)).GroupBy(b => b.Host!).ToDictionaryAsync(g => g.Key, g => g.Count());
            output.WriteLine($"spread: {string.Join(", ", perHost.Select(p => $"{p.Key} {p.Value}"))}");
            Assert.Equal(hosts, perHost.Keys.Order());
            Assert.True(perHost.Values.Max() - perHost.Values.Min() <= 1, "uneven spread: " + string.Join(", ", perHost.Select(p => $"{p.Key} {p.Value}")));

            // Each backup's command is in the queue of the host on its row, once.
            var sent = new Dictionary<string, List<Guid>>();
            await Deployment.WaitUntilAsync(async () =>
            {
                foreach (var host in hosts)
                {
                    sent[host] = await QueuedBackupsAsync(deployment, host, sent.GetValueOrDefault(host) ?? []);
                }

                return sent.Values.Sum(s => s.Count) >= backups.Length;
            });
            await Task.Delay(TimeSpan.FromSeconds(1));
            foreach (var host in hosts)
            {
                sent[host] = await QueuedBackupsAsync(deployment, host, sent[host]);
                Assert.Equal(perHost[host], sent[host].Count);
            }

            Assert.Equal(backups.Order(), sent.Values.SelectMany(s => s).Order());
            var rows = await db.Backups.Where(b => backups.Contains(b.Id)).ToDictionaryAsync(b => b.Id, b => b.Host);
            Assert.All(hosts, host => Assert.All(sent[host], id => Assert.Equal(host, rows[id])));
        }

        // Both replicas took part: the one in this process routed some of the burst, not all.
        output.WriteLine($"routed by the in-process scheduler: {inProcess.Consumed} of {backups.Length}");
        Assert.InRange(inProcess.Consumed, 1, backups.Length - 1);
    }

    [Fact]
    public async Task A_create_waiting_for_a_host_in_one_zone_does_not_delay_a_create_in_another()
    {
        // The deployment's scheduler waits up to 30 s for a host before it fails a create.
        await using var deployment = await Deployment.StartAsync(withWorker: false);
        await RegisterAsync(deployment, DateTime.UtcNow.AddHours(1), ("az1-only", "az1"));
        var observer = new CountingObserver();
        using var _ = deployment.SchedulerHost.Services.GetRequiredService<IBus>().ConnectConsumeObserver(observer);

        var az2Volume = await deployment.CreateVolumeAsync(1, "az2");
        var az1Volume = await deployment.CreateVolumeAsync(1, "az1");
        var waiting = await deployment.CreateBackupAsync(az2Volume);
        await Deployment.WaitUntilAsync(() => Task.FromResult(observer.Started >= 1));

        var routed = await deployment.CreateBackupAsync(az1Volume);
        var accepted = Stopwatch.StartNew();
        await Deployment.WaitUntilAsync(
            async () =>
            {
                await using var db = deployment.BackupDb();
                return await db.Backups.AnyAsync(b => b.Id == routed && b.Host == "az1-only");
            },
            seconds: 40);
        var elapsed = accepted.Elapsed;
        output.WriteLine($"az1 create routed {elapsed.TotalMilliseconds:0} ms after it was accepted, az2 create still waiting");
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"the az1 create was routed {elapsed.TotalMilliseconds:0} ms after it was accepted");

        await using (var db = deployment.BackupDb())
        {
            var first = await db.Backups.AsNoTracking().SingleAsync(b => b.Id == waiting);
            Assert.Equal(BackupStatus.Creating, first.Status);
            Assert.Null(first.Host);
        }
    }

    [Fact]
    public async Task Two_schedulers_fail_a_dead_host_over_once()
    {
        await using var deployment = await Deployment.StartAsync(
            withWorker: false,
            "--BackupPlatform:Scheduler:ServiceDownTime=00:00:05",
            "--BackupPlatform:Scheduler:FailoverInterval=00:00:01");
        await deployment.StartSchedulerProcessAsync();
        await RegisterAsync(deployment, DateTime.UtcNow.AddHours(1), ("alive", "nova"));

        // Deletes the dead host had begun: failover sends each one again, through the outbox, to be
        // routed to "alive". Many, so that failing over takes long enough for a second replica to
        // start on the same host if nothing stopped it.
        const int Begun = 300;
        var now = DateTime.UtcNow;
        var backups = Enumerable.Range(0, Begun).Select(_ => Guid.NewGuid()).ToList();
        await using (var db = deployment.BackupDb())
        {
            db.Backups.AddRange(backups.Select(id => new Backup
            {
                Id = id,
                ProjectId = Deployment.Project,
                UserId = "tenant",
                VolumeId = Guid.NewGuid(),
                Status = BackupStatus.Deleting,
                Service = "posix",
                AvailabilityZone = "nova",
                Host = "dead",
                WorkStartedAt = now.AddMinutes(-1),
                CreatedAt = now.AddMinutes(-2),
            }));
            await db.SaveChangesAsync();
        }

        // Heard from now, silent from here on: down in 5 s for both replicas at once.
        await RegisterAsync(deployment, DateTime.UtcNow, ("dead", "nova"));

        await Deployment.WaitUntilAsync(async () => await ResentAsync(deployment, backups) >= Begun);
        // Long enough for both replicas to have checked the dead host several times more.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var resent = await ResentAsync(deployment, backups);
        output.WriteLine($"begun deletes of the dead host sent again: {resent} for {Begun}");
        Assert.Equal(Begun, resent);
        await using (var db = deployment.BackupDb())
        {
            var perBackup = await db.OutboxMessages.Where(m => m.MessageType.EndsWith(nameof(DeleteBackup)) && m.CorrelationId != null && backups.Contains(m.CorrelationId.Value))
                .GroupBy(m => m.CorrelationId).Select(g => g.Count()).ToListAsync();
            Assert.All(perBackup, count => Assert.Equal(1, count));
            Assert.NotNull((await db.BackupServices.SingleAsync(h => h.Host == "dead")).FailedOverAt);
        }
    }

    [Fact]
    public async Task Heartbeats_of_a_new_host_recorded_at_once_insert_it_once()
    {
        await using var deployment = await Deployment.StartAsync(withWorker: false);
        var beat = new BackupServiceHeartbeat { Host = "racing", AvailabilityZone = "nova", Store = "posix", Version = "2.0", SentAt = DateTime.UtcNow };
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            await using var db = deployment.BackupDb();
            await BackupPlatform.Scheduler.HeartbeatConsumer.RecordAsync(db, beat with { ActiveOperations = i }, DateTime.UtcNow, CancellationToken.None);
        }));

        await using var rows = deployment.BackupDb();
        var host = await rows.BackupServices.SingleAsync(h => h.Host == "racing");
        Assert.InRange(host.ActiveOperations, 0, 15);
    }

    private static async Task RegisterAsync(Deployment deployment, DateTime lastSeen, params (string Host, string Zone)[] hosts)
    {
        await using var db = deployment.BackupDb();
        db.BackupServices.AddRange(hosts.Select(h => new BackupServiceHost
        {
            Host = h.Host,
            AvailabilityZone = h.Zone,
            Store = "posix",
            Version = "2.0",
            LastSeen = lastSeen,
            CreatedAt = DateTime.UtcNow,
        }));
        await db.SaveChangesAsync();
    }

    private static async Task<int> ResentAsync(Deployment deployment, List<Guid> backups)
    {
        await using var db = deployment.BackupDb();
        return await db.OutboxMessages.CountAsync(m => m.MessageType.EndsWith(nameof(DeleteBackup)) && m.CorrelationId != null && backups.Contains(m.CorrelationId.Value));
    }

    /// <summary>Takes what waits in the host's queue (no worker consumes it) and adds its backup ids to <paramref name="seen"/>.</summary>
    private static async Task<List<Guid>> QueuedBackupsAsync(Deployment deployment, string host, List<Guid> seen)
    {
        var factory = new ConnectionFactory { Uri = new Uri(deployment.RabbitMqUri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            await channel.QueueDeclarePassiveAsync(QueueNames.Worker(host));
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return seen;
        }

        var ids = new List<Guid>(seen);
        while (await channel.BasicGetAsync(QueueNames.Worker(host), autoAck: true) is { } message)
        {
            using var envelope = System.Text.Json.JsonDocument.Parse(message.Body);
            ids.Add(envelope.RootElement.GetProperty("message").GetProperty("backupId").GetGuid());
        }

        return ids;
    }

    /// <summary>Counts the create commands the scheduler of this process started and finished consuming.</summary>
    private sealed class CountingObserver : IConsumeObserver
    {
        private int _started;
        private int _consumed;

        public int Started => Volatile.Read(ref _started);

        public int Consumed => Volatile.Read(ref _consumed);

        public Task PreConsume<T>(ConsumeContext<T> context)
            where T : class
        {
            if (context.Message is CreateBackup)
            {
                Interlocked.Increment(ref _started);
            }

            return Task.CompletedTask;
        }

        public Task PostConsume<T>(ConsumeContext<T> context)
            where T : class
        {
            if (context.Message is CreateBackup)
            {
                Interlocked.Increment(ref _consumed);
            }

            return Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
            where T : class => Task.CompletedTask;
    }
}
