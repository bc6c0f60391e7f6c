using System.Net;
using static BackupPlatform.IntegrationTests.CinderHttp;

namespace BackupPlatform.IntegrationTests;

/// <summary>
/// Project B calling every endpoint on project A's ids gets 404 and changes nothing; a non-administrator
/// calling any admin action gets 403, on its own project's backup too.
/// </summary>
public sealed class TenantIsolationTests
{
    private const string ProjectB = "fedcba9876543210fedcba9876543210";

    [Fact]
    public async Task Another_project_reads_as_not_found_and_changes_nothing()
    {
        await using var deployment = await Deployment.StartAsync();
        var volume = await deployment.CreateVolumeAsync(1);
        var created = await AssertJsonAsync(await SendAsync(deployment.Api, HttpMethod.Post, $"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume, name = "mine" } }), HttpStatusCode.Accepted);
        var id = created.GetProperty("backup").GetProperty("id").GetGuid();
        var before = await deployment.WaitForBackupAsync(id, "creating");
        Assert.Equal("available", before.GetProperty("status").GetString());
        var snapshot = await AssertJsonAsync(await SendAsync(deployment.Volumes, HttpMethod.Post, $"/v3/{Deployment.Project}/snapshots", new { snapshot = new { volume_id = volume } }), HttpStatusCode.Accepted);
        var snapshotId = snapshot.GetProperty("snapshot").GetProperty("id").GetGuid();
        using var intruder = deployment.ApiAs("intruder", ProjectB);
        using var intruderVolumes = deployment.VolumesAs("intruder", ProjectB);
        var ownVolume = await AssertJsonAsync(await SendAsync(intruderVolumes, HttpMethod.Post, $"/v3/{ProjectB}/volumes", new { volume = new { size = 1 } }), HttpStatusCode.Accepted);
        var ownVolumeId = ownVolume.GetProperty("volume").GetProperty("id").GetGuid();

        foreach (var project in new[] { ProjectB, Deployment.Project })
        {
            var backups = $"/v3/{project}/backups";
            var message = await AssertFaultAsync(await intruder.GetAsync($"{backups}/{id}"), HttpStatusCode.NotFound, "itemNotFound");
            if (project == ProjectB)
            {
                Assert.Equal($"Backup {id} could not be found.", message);
            }

            await AssertFaultAsync(await GetAsync(intruder, $"{backups}/{id}", "3.71"), HttpStatusCode.NotFound, "itemNotFound");
            await AssertFaultAsync(await SendAsync(intruder, HttpMethod.Put, $"{backups}/{id}", new { backup = new { name = "stolen" } }, "3.9"), HttpStatusCode.NotFound, "itemNotFound");
            await AssertFaultAsync(await intruder.DeleteAsync($"{backups}/{id}"), HttpStatusCode.NotFound, "itemNotFound");
            await AssertFaultAsync(await SendAsync(intruder, HttpMethod.Post, $"{backups}/{id}/restore", new { restore = new { volume_id = ownVolumeId } }), HttpStatusCode.NotFound, "itemNotFound");
            await AssertFaultAsync(await SendAsync(intruder, HttpMethod.Post, $"{backups}/{id}/restore", new { restore = (object?)null }), HttpStatusCode.NotFound, "itemNotFound");
            await AssertFaultAsync(await SendAsync(intruder, HttpMethod.Post, backups, new { backup = new { volume_id = volume } }), HttpStatusCode.NotFound, "itemNotFound");
            await AssertFaultAsync(await SendAsync(intruder, HttpMethod.Post, backups, new { backup = new { volume_id = ownVolumeId, snapshot_id = snapshotId } }), HttpStatusCode.NotFound, "itemNotFound");
            foreach (var list in new[] { backups, $"{backups}/detail", $"{backups}/detail?all_tenants=1", $"{backups}?volume_id={volume}" })
            {
                var response = await intruder.GetAsync(list);
                if (project == ProjectB)
                {
                    Assert.Empty((await AssertJsonAsync(response, HttpStatusCode.OK)).GetProperty("backups").EnumerateArray());
                }
                else
                {
                    await AssertFaultAsync(response, HttpStatusCode.NotFound, "itemNotFound");
                }
            }

            var volumesUrl = $"/v3/{project}/volumes";
            await AssertFaultAsync(await intruderVolumes.GetAsync($"{volumesUrl}/{volume}"), HttpStatusCode.NotFound, "itemNotFound");
            await AssertFaultAsync(await intruderVolumes.DeleteAsync($"{volumesUrl}/{volume}"), HttpStatusCode.NotFound, "itemNotFound");
            await AssertFaultAsync(await intruderVolumes.GetAsync($"/v3/{project}/snapshots/{snapshotId}"), HttpStatusCode.NotFound, "itemNotFound");
            await AssertFaultAsync(await intruderVolumes.DeleteAsync($"/v3/{project}/snapshots/{snapshotId}"), HttpStatusCode.NotFound, "itemNotFound");
        }

        Assert.DoesNotContain(
            (await AssertJsonAsync(await intruderVolumes.GetAsync($"/v3/{ProjectB}/volumes/detail"), HttpStatusCode.OK)).GetProperty("volumes").EnumerateArray(),
            v => v.GetProperty("id").GetGuid() == volume);
        var after = await deployment.BackupAsync(id);
        Assert.Equal("available", after.GetProperty("status").GetString());
        Assert.Equal("mine", after.GetProperty("name").GetString());
        Assert.Equal(before.GetProperty("updated_at").GetString(), after.GetProperty("updated_at").GetString());
        Assert.Equal("available", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());
        Assert.Equal("available", (await AssertJsonAsync(await intruderVolumes.GetAsync($"/v3/{ProjectB}/volumes/{ownVolumeId}"), HttpStatusCode.OK)).GetProperty("volume").GetProperty("status").GetString());
        Assert.Equal("available", (await AssertJsonAsync(await deployment.Volumes.GetAsync($"/v3/{Deployment.Project}/snapshots/{snapshotId}"), HttpStatusCode.OK)).GetProperty("snapshot").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Every_admin_action_is_403_for_a_tenant_even_on_its_own_backup()
    {
        await using var deployment = await Deployment.StartAsync();
        var volume = await deployment.CreateVolumeAsync(1);
        var created = await AssertJsonAsync(await SendAsync(deployment.Api, HttpMethod.Post, $"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume } }), HttpStatusCode.Accepted);
        var id = created.GetProperty("backup").GetProperty("id").GetGuid();
        Assert.Equal("available", (await deployment.WaitForBackupAsync(id, "creating")).GetProperty("status").GetString());
        var backups = $"/v3/{Deployment.Project}/backups";

        var exported = await AssertJsonAsync(await deployment.AdminApi.GetAsync($"{backups}/{id}/export_record"), HttpStatusCode.OK);
        var record = new Dictionary<string, object> { ["backup-record"] = exported.GetProperty("backup-record") };
        var refused = new Func<Task<HttpResponseMessage>>[]
        {
            () => SendAsync(deployment.Api, HttpMethod.Post, $"{backups}/{id}/action", new Dictionary<string, object> { ["os-reset_status"] = new { status = "error" } }),
            () => SendAsync(deployment.Api, HttpMethod.Post, $"{backups}/{id}/action", "{\"os-force_delete\": null}"),
            () => deployment.Api.GetAsync($"{backups}/{id}/export_record"),
            () => SendAsync(deployment.Api, HttpMethod.Post, $"{backups}/import_record", record),
            () => deployment.Api.GetAsync($"/v3/{Deployment.Project}/os-services"),
            () => SendAsync(deployment.Api, HttpMethod.Put, $"/v3/{Deployment.Project}/os-services/disable", new { host = Deployment.WorkerHost, binary = "cinder-backup" }),
            () => SendAsync(deployment.Volumes, HttpMethod.Post, $"/v3/{Deployment.Project}/volumes/{volume}/action", new Dictionary<string, object> { ["os-reset_status"] = new { status = "error" } }),
        };
        foreach (var call in refused)
        {
            Assert.StartsWith("Policy doesn't allow", await AssertFaultAsync(await call(), HttpStatusCode.Forbidden, "forbidden"), StringComparison.Ordinal);
        }

        Assert.Equal("available", (await deployment.BackupAsync(id)).GetProperty("status").GetString());
        Assert.Equal("available", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());
        await using var db = deployment.BackupDb();
        Assert.False(db.BackupServices.Single(h => h.Host == Deployment.WorkerHost).Disabled);
    }
}
