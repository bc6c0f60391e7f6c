using System.Net;
using System.Text.Json;
using static BackupPlatform.IntegrationTests.CinderHttp;

namespace BackupPlatform.IntegrationTests;

/// <summary>
/// Every backup endpoint's answer, field by field, against tempest's response schemas (API.md §9):
/// the exact status, the exact keys (nothing the schema does not list), their types and nulls.
/// </summary>
public sealed class BackupGoldenTests(ApiDeploymentFixture fixture) : IClassFixture<ApiDeploymentFixture>
{
    private static readonly string[] ShowKeys30 =
    [
        "id", "name", "description", "status", "size", "object_count", "availability_zone", "container", "volume_id", "snapshot_id",
        "is_incremental", "has_dependent_backups", "fail_reason", "created_at", "updated_at", "data_timestamp", "links",
    ];

    private readonly Deployment _deployment = fixture.Deployment;

    private static string Backups => $"/v3/{Deployment.Project}/backups";

    [Fact]
    public async Task Create_show_list_update_restore_export_import_reset_and_delete_answer_with_exactly_cinders_shapes()
    {
        var volume = await _deployment.CreateVolumeAsync(1);

        // create: 202, summary only.
        var created = await AssertJsonAsync(
            await SendAsync(_deployment.Api, HttpMethod.Post, Backups, new { backup = new { volume_id = volume, name = "golden", description = (string?)null, container = (string?)null, incremental = false, force = false, snapshot_id = (string?)null } }),
            HttpStatusCode.Accepted);
        AssertKeys(created, "backup");
        AssertKeys(created.GetProperty("backup"), "id", "name", "links");
        AssertLinks(created.GetProperty("backup").GetProperty("links"));
        var id = created.GetProperty("backup").GetProperty("id").GetGuid();
        var links = created.GetProperty("backup").GetProperty("links");
        Assert.Equal("self", links[0].GetProperty("rel").GetString());
        Assert.EndsWith($"/v3/{Deployment.Project}/backups/{id}", links[0].GetProperty("href").GetString(), StringComparison.Ordinal);
        Assert.Equal("bookmark", links[1].GetProperty("rel").GetString());
        Assert.EndsWith($":{_deployment.Api.BaseAddress!.Port}/{Deployment.Project}/backups/{id}", links[1].GetProperty("href").GetString(), StringComparison.Ordinal);
        await _deployment.WaitForBackupAsync(id, "creating");

        // show at 3.0: exactly the 3.0 detail, with its types.
        var shown = await AssertJsonAsync(await _deployment.Api.GetAsync($"{Backups}/{id}"), HttpStatusCode.OK);
        AssertKeys(shown, "backup");
        var backup = shown.GetProperty("backup");
        AssertKeys(backup, ShowKeys30);
        Assert.Equal("available", backup.GetProperty("status").GetString());
        Assert.Equal(1, backup.GetProperty("size").GetInt32());
        Assert.Equal(JsonValueKind.Number, backup.GetProperty("object_count").ValueKind);
        Assert.Equal("golden", backup.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, backup.GetProperty("description").ValueKind);
        Assert.Equal(JsonValueKind.Null, backup.GetProperty("fail_reason").ValueKind);
        Assert.Equal(JsonValueKind.Null, backup.GetProperty("snapshot_id").ValueKind);
        Assert.Equal(volume, backup.GetProperty("volume_id").GetGuid());
        Assert.Equal(JsonValueKind.False, backup.GetProperty("is_incremental").ValueKind);
        Assert.Equal(JsonValueKind.False, backup.GetProperty("has_dependent_backups").ValueKind);
        Assert.Equal(JsonValueKind.String, backup.GetProperty("availability_zone").ValueKind);
        AssertTimestamp(backup.GetProperty("created_at"));
        AssertTimestamp(backup.GetProperty("updated_at"));
        AssertTimestamp(backup.GetProperty("data_timestamp"));
        AssertLinks(backup.GetProperty("links"));

        // show at the maximum, as a tenant: metadata joins; owner fields stay hidden.
        AssertKeys((await AssertJsonAsync(await GetAsync(_deployment.Api, $"{Backups}/{id}", "3.71"), HttpStatusCode.OK)).GetProperty("backup"), [.. ShowKeys30, "metadata"]);
        AssertKeys(
            (await AssertJsonAsync(await GetAsync(_deployment.AdminApi, $"{Backups}/{id}", "3.71"), HttpStatusCode.OK)).GetProperty("backup"),
            [.. ShowKeys30, "metadata", "os-backup-project-attr:project_id", "user_id"]);

        // list: summaries; detail: as show; top level only "backups" when no page is full and no count was asked.
        var list = await AssertJsonAsync(await _deployment.Api.GetAsync(Backups), HttpStatusCode.OK);
        AssertKeys(list, "backups");
        AssertKeys(list.GetProperty("backups").EnumerateArray().Single(b => b.GetProperty("id").GetGuid() == id), "id", "name", "links");
        var detail = await AssertJsonAsync(await _deployment.Api.GetAsync($"{Backups}/detail"), HttpStatusCode.OK);
        AssertKeys(detail, "backups");
        AssertKeys(detail.GetProperty("backups").EnumerateArray().Single(b => b.GetProperty("id").GetGuid() == id), ShowKeys30);

        // update (3.9): 200 summary.
        var updated = await AssertJsonAsync(await SendAsync(_deployment.Api, HttpMethod.Put, $"{Backups}/{id}", new { backup = new { name = "renamed", description = "now described" } }, "3.9"), HttpStatusCode.OK);
        AssertKeys(updated, "backup");
        AssertKeys(updated.GetProperty("backup"), "id", "name", "links");
        Assert.Equal("renamed", updated.GetProperty("backup").GetProperty("name").GetString());
        Assert.Equal("now described", (await _deployment.BackupAsync(id)).GetProperty("description").GetString());

        // restore into a new volume: 202 {"restore": {backup_id, volume_id, volume_name (a string)}}.
        var restored = await AssertJsonAsync(await SendAsync(_deployment.Api, HttpMethod.Post, $"{Backups}/{id}/restore", new { restore = (object?)null }), HttpStatusCode.Accepted);
        AssertKeys(restored, "restore");
        AssertKeys(restored.GetProperty("restore"), "backup_id", "volume_id", "volume_name");
        Assert.Equal(id, restored.GetProperty("restore").GetProperty("backup_id").GetGuid());
        restored.GetProperty("restore").GetProperty("volume_id").GetGuid();
        Assert.Equal($"restore_backup_{id}", restored.GetProperty("restore").GetProperty("volume_name").GetString());
        await _deployment.WaitForBackupAsync(id, "restoring");

        // export (admin): 200 {"backup-record": {backup_service, backup_url}}.
        var exported = await AssertJsonAsync(await _deployment.AdminApi.GetAsync($"{Backups}/{id}/export_record"), HttpStatusCode.OK);
        AssertKeys(exported, "backup-record");
        AssertKeys(exported.GetProperty("backup-record"), "backup_service", "backup_url");
        Assert.StartsWith("cinder.backup.drivers", exported.GetProperty("backup-record").GetProperty("backup_service").GetString(), StringComparison.Ordinal);

        // reset-status (admin): 202, no body.
        var reset = await SendAsync(_deployment.AdminApi, HttpMethod.Post, $"{Backups}/{id}/action", new Dictionary<string, object> { ["os-reset_status"] = new { status = "error" } });
        Assert.Equal(HttpStatusCode.Accepted, reset.StatusCode);
        Assert.Empty(await reset.Content.ReadAsByteArrayAsync());
        Assert.Equal("error", (await _deployment.BackupAsync(id)).GetProperty("status").GetString());

        // delete: 202, no body; then 404.
        var deleted = await _deployment.Api.DeleteAsync($"{Backups}/{id}");
        Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        Assert.Empty(await deleted.Content.ReadAsByteArrayAsync());
        await Deployment.WaitUntilAsync(async () => (await _deployment.Api.GetAsync($"{Backups}/{id}")).StatusCode == HttpStatusCode.NotFound);

        // import of the record (admin): 201 summary with the record's id.
        var imported = await AssertJsonAsync(
            await SendAsync(_deployment.AdminApi, HttpMethod.Post, $"{Backups}/import_record", new Dictionary<string, object> { ["backup-record"] = exported.GetProperty("backup-record") }),
            HttpStatusCode.Created);
        AssertKeys(imported, "backup");
        AssertKeys(imported.GetProperty("backup"), "id", "name", "links");
        Assert.Equal(id, imported.GetProperty("backup").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Create_with_metadata_at_3_43_shows_it_and_summary_still_has_three_keys()
    {
        var volume = await _deployment.CreateVolumeAsync(1);
        var created = await AssertJsonAsync(
            await SendAsync(_deployment.Api, HttpMethod.Post, Backups, new { backup = new { volume_id = volume, metadata = new Dictionary<string, string> { ["tier"] = "gold", ["a:b"] = "c" } } }, "3.43"),
            HttpStatusCode.Accepted);
        AssertKeys(created.GetProperty("backup"), "id", "name", "links");
        Assert.Equal(JsonValueKind.Null, created.GetProperty("backup").GetProperty("name").ValueKind);
        var id = created.GetProperty("backup").GetProperty("id").GetGuid();
        var metadata = (await AssertJsonAsync(await GetAsync(_deployment.Api, $"{Backups}/{id}", "3.43"), HttpStatusCode.OK)).GetProperty("backup").GetProperty("metadata");
        AssertKeys(metadata, "tier", "a:b");

        // PUT replaces the whole set.
        await AssertJsonAsync(await SendAsync(_deployment.Api, HttpMethod.Put, $"{Backups}/{id}", new { backup = new { metadata = new { only = "this" } } }, "3.43"), HttpStatusCode.OK);
        AssertKeys((await AssertJsonAsync(await GetAsync(_deployment.Api, $"{Backups}/{id}", "3.43"), HttpStatusCode.OK)).GetProperty("backup").GetProperty("metadata"), "only");
        await _deployment.WaitForBackupAsync(id, "creating");
    }
}
