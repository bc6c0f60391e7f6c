using System.Net;
using static BackupPlatform.IntegrationTests.CinderHttp;

namespace BackupPlatform.IntegrationTests;

/// <summary>
/// The volume and snapshot calls a backup workflow needs, made at the API's endpoint (the API passes
/// them to the separate volume service), with Cinder's field names, statuses and links to the API.
/// </summary>
public sealed class VolumesThroughApiTests(ApiDeploymentFixture fixture) : IClassFixture<ApiDeploymentFixture>
{
    private static readonly string[] VolumeKeys =
    [
        "id", "name", "description", "status", "size", "availability_zone", "created_at", "updated_at", "attachments", "bootable", "encrypted",
        "metadata", "multiattach", "snapshot_id", "source_volid", "volume_type", "user_id", "consistencygroup_id", "migration_status", "replication_status", "links",
    ];

    private static readonly string[] SnapshotKeys = ["id", "name", "description", "status", "size", "volume_id", "created_at", "updated_at", "metadata"];

    // Show and detail carry Cinder's extended snapshot attributes, as tempest's schema for them requires.
    private static readonly string[] ShownSnapshotKeys = [.. SnapshotKeys, "os-extended-snapshot-attributes:progress", "os-extended-snapshot-attributes:project_id"];

    private readonly Deployment _deployment = fixture.Deployment;

    [Fact]
    public async Task Volumes_and_snapshots_are_created_shown_listed_and_deleted_through_the_api()
    {
        var api = _deployment.Api;
        var root = $"/v3/{Deployment.Project}";

        // cinderclient's create body: every key, nulls included.
        var created = await AssertJsonAsync(
            await SendAsync(api, HttpMethod.Post, $"{root}/volumes", new { volume = new { size = 1, name = "vol1", description = (string?)null, availability_zone = (string?)null, source_volid = (string?)null, snapshot_id = (string?)null, backup_id = (string?)null, imageRef = (string?)null, volume_type = (string?)null, metadata = new { }, consistencygroup_id = (string?)null } }, "3.70"),
            HttpStatusCode.Accepted);
        AssertKeys(created, "volume");
        AssertKeys(created.GetProperty("volume"), VolumeKeys);
        var volumeId = created.GetProperty("volume").GetProperty("id").GetGuid();
        Assert.Equal("volume 3.70", Assert.Single((await GetAsync(api, $"{root}/volumes/{volumeId}", "3.70")).Headers.GetValues(VersionHeader)));
        var links = created.GetProperty("volume").GetProperty("links");
        AssertLinks(links);
        Assert.StartsWith(api.BaseAddress!.GetLeftPart(UriPartial.Authority), links[0].GetProperty("href").GetString(), StringComparison.Ordinal);

        await Deployment.WaitUntilAsync(async () =>
            (await AssertJsonAsync(await api.GetAsync($"{root}/volumes/{volumeId}"), HttpStatusCode.OK)).GetProperty("volume").GetProperty("status").GetString() == "available");
        var shown = await AssertJsonAsync(await GetAsync(api, $"/v3/volumes/{volumeId}", "3.67"), HttpStatusCode.OK);
        AssertKeys(shown.GetProperty("volume"), VolumeKeys);
        Assert.Equal("vol1", shown.GetProperty("volume").GetProperty("name").GetString());
        Assert.Equal("false", shown.GetProperty("volume").GetProperty("bootable").GetString());

        var summaries = await AssertJsonAsync(await api.GetAsync($"{root}/volumes"), HttpStatusCode.OK);
        AssertKeys(summaries.GetProperty("volumes").EnumerateArray().Single(v => v.GetProperty("id").GetGuid() == volumeId), "id", "name", "links");
        var byName = await AssertJsonAsync(await api.GetAsync($"{root}/volumes/detail?all_tenants=1&name=vol1"), HttpStatusCode.OK);
        Assert.Equal(volumeId, Assert.Single(byName.GetProperty("volumes").EnumerateArray()).GetProperty("id").GetGuid());

        var snapshot = await AssertJsonAsync(await SendAsync(api, HttpMethod.Post, $"{root}/snapshots", new { snapshot = new { volume_id = volumeId, name = "s1", description = (string?)null, metadata = new { } } }), HttpStatusCode.Accepted);
        AssertKeys(snapshot, "snapshot");
        AssertKeys(snapshot.GetProperty("snapshot"), SnapshotKeys);
        var snapshotId = snapshot.GetProperty("snapshot").GetProperty("id").GetGuid();
        Assert.Contains("('colour' was unexpected)", await AssertFaultAsync(
            await SendAsync(api, HttpMethod.Post, $"{root}/snapshots", new { snapshot = new { volume_id = volumeId, colour = "red" } }), HttpStatusCode.BadRequest, "badRequest"), StringComparison.Ordinal);
        var shownSnapshot = await AssertJsonAsync(await api.GetAsync($"{root}/snapshots/{snapshotId}"), HttpStatusCode.OK);
        AssertKeys(shownSnapshot.GetProperty("snapshot"), ShownSnapshotKeys);
        Assert.Equal("available", shownSnapshot.GetProperty("snapshot").GetProperty("status").GetString());
        var listed = await AssertJsonAsync(await api.GetAsync($"{root}/snapshots/detail?name=s1"), HttpStatusCode.OK);
        Assert.Equal(snapshotId, Assert.Single(listed.GetProperty("snapshots").EnumerateArray()).GetProperty("id").GetGuid());

        // A backup of the snapshot, all through the one endpoint.
        var backup = await AssertJsonAsync(await SendAsync(api, HttpMethod.Post, $"{root}/backups", new { backup = new { volume_id = volumeId, snapshot_id = snapshotId } }), HttpStatusCode.Accepted);
        var backupId = backup.GetProperty("backup").GetProperty("id").GetGuid();
        Assert.Equal(snapshotId, (await _deployment.WaitForBackupAsync(backupId, "creating")).GetProperty("snapshot_id").GetGuid());

        Assert.Equal(HttpStatusCode.Accepted, (await api.DeleteAsync($"{root}/snapshots/{snapshotId}")).StatusCode);
        await AssertFaultAsync(await api.GetAsync($"{root}/snapshots/{snapshotId}"), HttpStatusCode.NotFound, "itemNotFound");
        Assert.Equal(HttpStatusCode.Accepted, (await api.DeleteAsync($"{root}/volumes/{volumeId}")).StatusCode);
        Assert.Equal($"Volume {volumeId} could not be found.", await AssertFaultAsync(await api.GetAsync($"{root}/volumes/{volumeId}"), HttpStatusCode.NotFound, "itemNotFound"));
        await AssertFaultAsync(await api.GetAsync($"{root}/volumes/not-a-uuid"), HttpStatusCode.NotFound, "itemNotFound");
        Assert.Contains("size", await AssertFaultAsync(await SendAsync(api, HttpMethod.Post, $"{root}/volumes", new { volume = new { size = "big" } }), HttpStatusCode.BadRequest, "badRequest"), StringComparison.Ordinal);
        Assert.Contains("metadata", await AssertFaultAsync(
            await SendAsync(api, HttpMethod.Post, $"{root}/volumes", new { volume = new { size = 1, metadata = new { count = 3 } } }), HttpStatusCode.BadRequest, "badRequest"), StringComparison.Ordinal);
        Assert.Empty((await AssertJsonAsync(await api.GetAsync($"{root}/volumes/detail?name=%00"), HttpStatusCode.OK)).GetProperty("volumes").EnumerateArray());
        Assert.Contains("backup_id", await AssertFaultAsync(
            await SendAsync(api, HttpMethod.Post, $"{root}/volumes", new { volume = new { size = 1, backup_id = Guid.NewGuid() } }, "3.47"), HttpStatusCode.BadRequest, "badRequest"), StringComparison.Ordinal);

        // Admin actions on a volume: reset to a known status only, force-delete from error.
        var stuck = (await AssertJsonAsync(await SendAsync(api, HttpMethod.Post, $"{root}/volumes", new { volume = new { size = 1 } }), HttpStatusCode.Accepted)).GetProperty("volume").GetProperty("id").GetGuid();
        var action = $"{root}/volumes/{stuck}/action";
        await AssertFaultAsync(await SendAsync(_deployment.AdminApi, HttpMethod.Post, action, new Dictionary<string, object> { ["os-reset_status"] = new { status = "sideways" } }), HttpStatusCode.BadRequest, "badRequest");
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(_deployment.AdminApi, HttpMethod.Post, action, new Dictionary<string, object> { ["os-reset_status"] = new { status = "error_deleting" } })).StatusCode);
        await AssertFaultAsync(await api.DeleteAsync($"{root}/volumes/{stuck}"), HttpStatusCode.BadRequest, "badRequest");
        await AssertFaultAsync(await SendAsync(api, HttpMethod.Post, action, "{\"os-force_delete\": null}"), HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(_deployment.AdminApi, HttpMethod.Post, action, "{\"os-force_delete\": null}")).StatusCode);
        await AssertFaultAsync(await api.GetAsync($"{root}/volumes/{stuck}"), HttpStatusCode.NotFound, "itemNotFound");
    }
}
