using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackupPlatform.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackupPlatform.IntegrationTests;

/// <summary>AZ-aware routing over the live registry, host disabling, os-services, and failover of a host killed with work queued.</summary>
public sealed class SchedulerTests
{
    // More backups in one project than Cinder's default quota of 10.
    private const string Unlimited = "--BackupPlatform:Quotas:Backups=-1";

    [Fact]
    public async Task Backups_of_az1_volumes_run_only_on_az1_hosts_spread_evenly_and_a_disabled_host_gets_no_new_work()
    {
        await using var deployment = await Deployment.StartAsync(withWorker: false, Unlimited);
        await deployment.StartWorkerAsync("az1-a", "az1");
        await deployment.StartWorkerAsync("az1-b", "az1");
        await deployment.StartWorkerAsync("az2-a", "az2");

        var first = await BackUpAsync(deployment, 30, "az1");
        var perHost = await HostsOfAsync(deployment, first);
        Assert.Equal(["az1-a", "az1-b"], perHost.Keys.Order());
        Assert.True(Math.Abs(perHost["az1-a"] - perHost["az1-b"]) <= 2, $"uneven spread: az1-a {perHost["az1-a"]}, az1-b {perHost["az1-b"]}");

        using var admin = AdminClient(deployment);
        var disable = await admin.PutAsJsonAsync(
            $"/v3/{Deployment.Project}/os-services/disable-log-reason",
            new { host = "az1-b", binary = "cinder-backup", disabled_reason = "maintenance" });
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.Equal("disabled", (await Deployment.ReadAsync(disable)).GetProperty("status").GetString());

        var second = await BackUpAsync(deployment, 6, "az1");
        Assert.Equal(new Dictionary<string, int> { ["az1-a"] = 6 }, await HostsOfAsync(deployment, second));

        var services = (await Deployment.ReadAsync(await admin.GetAsync($"/v3/{Deployment.Project}/os-services"))).GetProperty("services");
        var rows = services.EnumerateArray().ToDictionary(s => s.GetProperty("host").GetString()!);
        Assert.Equal(["az1-a", "az1-b", "az2-a"], rows.Keys.Order());
        Assert.All(rows.Values, s => Assert.Equal("cinder-backup", s.GetProperty("binary").GetString()));
        Assert.All(rows.Values, s => Assert.Equal("up", s.GetProperty("state").GetString()));
        Assert.Equal("az2", rows["az2-a"].GetProperty("zone").GetString());
        Assert.Equal("disabled", rows["az1-b"].GetProperty("status").GetString());
        Assert.Equal("maintenance", rows["az1-b"].GetProperty("disabled_reason").GetString());
        Assert.Equal("enabled", rows["az1-a"].GetProperty("status").GetString());

        var tenant = await deployment.Api.GetAsync($"/v3/{Deployment.Project}/os-services");
        Assert.Equal(HttpStatusCode.Forbidden, tenant.StatusCode);
        Assert.True((await Deployment.ReadAsync(tenant)).TryGetProperty("forbidden", out _));
    }

    [Fact]
    public async Task A_host_killed_with_backups_queued_for_it_has_them_rerouted_and_nothing_stays_creating()
    {
        await using var deployment = await Deployment.StartAsync(
            withWorker: false,
            Unlimited,
            "--BackupPlatform:Scheduler:ServiceDownTime=00:00:05",
            "--BackupPlatform:Scheduler:FailoverInterval=00:00:01");
        var doomed = await deployment.StartWorkerProcessAsync("doomed", "nova", "--BackupPlatform:Worker:MaxOperations=1");

        // Eight backups, one at a time on the only host: one running there, the rest in its queue.
        var volumes = new List<Guid>();
        for (var i = 0; i < 8; i++)
        {
            var volume = await deployment.CreateVolumeAsync(1);
            await deployment.UploadAsync(volume, RandomBytes(32 * 1024 * 1024, seed: i));
            volumes.Add(volume);
        }

        var backups = new List<Guid>();
        foreach (var volume in volumes)
        {
            backups.Add(await deployment.CreateBackupAsync(volume));
        }

        await Deployment.WaitUntilAsync(async () =>
        {
            await using var db = deployment.BackupDb();
            return await db.Backups.CountAsync(b => backups.Contains(b.Id) && b.Host == "doomed") == backups.Count;
        });
        await deployment.StartWorkerAsync("survivor", "nova");
        doomed.Kill();
        await doomed.WaitForExitAsync();

        foreach (var backupId in backups)
        {
            var backup = await deployment.WaitForBackupAsync(backupId, "creating");
            var status = backup.GetProperty("status").GetString();
            Assert.True(status is "available" or "error", $"backup {backupId} ended {status}");
            if (status == "error")
            {
                Assert.False(string.IsNullOrEmpty(backup.GetProperty("fail_reason").GetString()));
            }
        }

        foreach (var volume in volumes)
        {
            Assert.Equal("available", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());
        }

        await using var rows = deployment.BackupDb();
        var survivorDid = await rows.Backups.CountAsync(b => backups.Contains(b.Id) && b.Host == "survivor" && b.Status == "available");
        Assert.True(survivorDid >= 1, "no backup was re-routed to the surviving host");
    }

    [Fact]
    public async Task A_draining_host_is_chosen_only_when_no_other_host_of_its_zone_and_store_is_up()
    {
        await using var deployment = await Deployment.StartAsync(withWorker: false);
        var now = DateTime.UtcNow;
        await using (var db = deployment.BackupDb())
        {
            // "a-leaving" sorts first and is idle: only its draining flag can make the selector pass it over.
            db.BackupServices.AddRange(
                Registered("a-leaving", "az7", draining: true, now),
                Registered("b-open", "az7", draining: false, now),
                Registered("c-alone", "az8", draining: true, now));
            await db.SaveChangesAsync();
        }

        await using var scope = deployment.SchedulerHost.Services.CreateAsyncScope();
        var selector = scope.ServiceProvider.GetRequiredService<BackupPlatform.Scheduler.HostSelector>();
        Assert.Equal("b-open", await selector.PickAsync("az7", null, null, CancellationToken.None));
        Assert.Equal("b-open", await selector.PickAsync("az7", null, "a-leaving", CancellationToken.None));
        Assert.Equal("c-alone", await selector.PickAsync("az8", null, null, CancellationToken.None));

        await using (var db = deployment.BackupDb())
        {
            await db.BackupServices.Where(h => h.Host == "a-leaving").ExecuteUpdateAsync(s => s.SetProperty(h => h.Draining, false));
        }

        Assert.Equal("a-leaving", await selector.PickAsync("az7", null, null, CancellationToken.None));
    }

    [Fact]
    public async Task A_restore_and_a_delete_go_straight_to_the_backups_host_while_it_can_take_them_and_through_the_scheduler_when_it_cannot()
    {
        await using var deployment = await Deployment.StartAsync(withWorker: false);
        await deployment.StartWorkerAsync("maker", "nova");
        var volume = await deployment.CreateVolumeAsync(1);
        var content = RandomBytes(4 * 1024 * 1024, seed: 17);
        await deployment.UploadAsync(volume, content);
        var restored = await deployment.CreateBackupAsync(volume);
        Assert.Equal("available", (await deployment.WaitForBackupAsync(restored, "creating")).GetProperty("status").GetString());
        var kept = await deployment.CreateBackupAsync(volume);
        Assert.Equal("available", (await deployment.WaitForBackupAsync(kept, "creating")).GetProperty("status").GetString());

        var target = await deployment.CreateVolumeAsync(1);
        await deployment.RestoreBackupAsync(restored, target);
        Assert.Equal("available", (await deployment.WaitForBackupAsync(restored, "restoring")).GetProperty("status").GetString());
        Assert.Equal(content, (await deployment.DownloadAsync(target))[..content.Length]);
        Assert.Equal([QueueNames.Worker("maker")], await SentToAsync(deployment, restored, "RestoreBackup"));

        Assert.Equal(HttpStatusCode.Accepted, (await deployment.Api.DeleteAsync($"/v3/{Deployment.Project}/backups/{restored}")).StatusCode);
        await WaitDeletedAsync(deployment, restored);
        Assert.Equal([QueueNames.Worker("maker")], await SentToAsync(deployment, restored, "DeleteBackup"));

        // The maker disabled: the delete goes by the scheduler, to the other host of the store.
        await deployment.StartWorkerAsync("other", "nova");
        using var admin = AdminClient(deployment);
        var disable = await admin.PutAsJsonAsync($"/v3/{Deployment.Project}/os-services/disable", new { host = "maker", binary = "cinder-backup" });
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await deployment.Api.DeleteAsync($"/v3/{Deployment.Project}/backups/{kept}")).StatusCode);
        await WaitDeletedAsync(deployment, kept);
        Assert.Equal([QueueNames.Scheduler], await SentToAsync(deployment, kept, "DeleteBackup"));
        await using var db = deployment.BackupDb();
        Assert.Equal("other", (await db.Backups.SingleAsync(b => b.Id == kept)).Host);
    }

    private static async Task<List<string?>> SentToAsync(Deployment deployment, Guid backupId, string command)
    {
        await using var db = deployment.BackupDb();
        return await db.OutboxMessages.Where(m => m.CorrelationId == backupId && m.MessageType.EndsWith("." + command)).Select(m => m.Destination).ToListAsync();
    }

    private static Task WaitDeletedAsync(Deployment deployment, Guid backupId) =>
        Deployment.WaitUntilAsync(async () =>
        {
            await using var db = deployment.BackupDb();
            return await db.Backups.AnyAsync(b => b.Id == backupId && b.Deleted);
        });

    private static BackupPlatform.Data.BackupServiceHost Registered(string host, string zone, bool draining, DateTime lastSeen) => new()
    {
        Host = host,
        AvailabilityZone = zone,
        Store = "posix",
        Version = "2.0",
        Draining = draining,
        LastSeen = lastSeen,
        CreatedAt = lastSeen,
    };

    private static async Task<List<Guid>> BackUpAsync(Deployment deployment, int count, string zone)
    {
        var backups = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            backups.Add(await deployment.CreateBackupAsync(await deployment.CreateVolumeAsync(1, zone)));
        }

        foreach (var backupId in backups)
        {
            Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "creating")).GetProperty("status").GetString());
        }

        return backups;
    }

    private static async Task<Dictionary<string, int>> HostsOfAsync(Deployment deployment, List<Guid> backups)
    {
        await using var db = deployment.BackupDb();
        return await db.Backups.Where(b => backups.Contains(b.Id)).GroupBy(b => b.Host!).ToDictionaryAsync(g => g.Key, g => g.Count());
    }

    private static HttpClient AdminClient(Deployment deployment)
    {
        var client = new HttpClient { BaseAddress = deployment.Api.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Auth-Token", $"admin:{Deployment.Project}");
        return client;
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
