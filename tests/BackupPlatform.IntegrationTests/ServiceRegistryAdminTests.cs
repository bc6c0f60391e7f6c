using BackupPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.IntegrationTests;

/// <summary>backupplatform-admin services list | remove: a host gone for good leaves the registry, a live or busy one is kept unless forced.</summary>
public sealed class ServiceRegistryAdminTests
{
    [Fact]
    public async Task Remove_takes_a_dead_idle_host_out_of_the_registry_and_refuses_a_live_or_busy_one_unless_forced()
    {
        await using var deployment = await Deployment.StartAsync();
        var longAgo = DateTime.UtcNow.AddHours(-1);
        var stuck = Guid.NewGuid();
        await using (var db = deployment.BackupDb())
        {
            db.BackupServices.Add(new BackupServiceHost { Host = "worker-gone", AvailabilityZone = "nova", Store = "posix", Version = "2.0", LastSeen = longAgo, CreatedAt = longAgo });
            db.BackupServices.Add(new BackupServiceHost { Host = "worker-busy", AvailabilityZone = "nova", Store = "posix", Version = "2.0", LastSeen = longAgo, CreatedAt = longAgo });
            db.Backups.Add(new Backup
            {
                Id = stuck,
                ProjectId = Deployment.Project,
                UserId = "tenant",
                VolumeId = Guid.NewGuid(),
                Status = BackupStatus.Creating,
                Host = "worker-busy",
                WorkStartedAt = longAgo,
                CreatedAt = longAgo,
            });
            await db.SaveChangesAsync();
        }

        var listed = await AdminCli.JsonAsync(deployment, "services", "list");
        var states = listed.EnumerateArray().ToDictionary(r => r.GetProperty("Host").GetString()!, r => (r.GetProperty("State").GetString(), r.GetProperty("Work").GetInt32()));
        Assert.Equal(("up", 0), states[Deployment.WorkerHost]);
        Assert.Equal(("down", 0), states["worker-gone"]);
        Assert.Equal(("down", 1), states["worker-busy"]);

        // A live host would register again with its next heartbeat.
        var (upExit, _, upErrors) = await AdminCli.RunAsync(deployment, "services", "remove", Deployment.WorkerHost);
        Assert.Equal(1, upExit);
        Assert.Contains("is up", upErrors, StringComparison.Ordinal);

        // Work whose host row is gone is never failed over: refused, then removed when forced, the work left as it was.
        var (busyExit, _, busyErrors) = await AdminCli.RunAsync(deployment, "services", "remove", "worker-busy");
        Assert.Equal(1, busyExit);
        Assert.Contains(stuck.ToString(), busyErrors, StringComparison.Ordinal);
        var (forcedExit, forced, forcedErrors) = await AdminCli.RunAsync(deployment, "services", "remove", "worker-busy", "--force");
        Assert.True(forcedExit == 0, forcedErrors);
        Assert.Contains("Service cinder-backup on host worker-busy removed.", forced, StringComparison.Ordinal);

        var (goneExit, _, goneErrors) = await AdminCli.RunAsync(deployment, "services", "remove", "worker-gone");
        Assert.True(goneExit == 0, goneErrors);
        var (missingExit, _, missingErrors) = await AdminCli.RunAsync(deployment, "services", "remove", "worker-gone");
        Assert.Equal(1, missingExit);
        Assert.Contains("not found", missingErrors, StringComparison.Ordinal);

        await using (var db = deployment.BackupDb())
        {
            Assert.Equal([Deployment.WorkerHost], await db.BackupServices.Select(h => h.Host).ToListAsync());
            Assert.Equal(BackupStatus.Creating, (await db.Backups.SingleAsync(b => b.Id == stuck)).Status);
        }

        var os = await Deployment.ReadAsync(await deployment.AdminApi.GetAsync($"/v3/{Deployment.Project}/os-services"));
        Assert.Equal([Deployment.WorkerHost], os.GetProperty("services").EnumerateArray().Select(s => s.GetProperty("host").GetString()));
    }
}
