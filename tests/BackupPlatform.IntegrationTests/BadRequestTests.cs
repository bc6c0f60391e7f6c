using System.Net;
using static BackupPlatform.IntegrationTests.CinderHttp;

namespace BackupPlatform.IntegrationTests;

/// <summary>
/// Everything a tenant can get wrong in a request is a 4xx with Cinder's body and a message that says
/// what is wrong, never a 500: malformed JSON, wrong types, unknown keys and actions, oversized bodies,
/// names over 255 characters, ids that are no UUIDs.
/// </summary>
public sealed class BadRequestTests(ApiDeploymentFixture fixture) : IClassFixture<ApiDeploymentFixture>
{
    private readonly Deployment _deployment = fixture.Deployment;

    private static string Backups => $"/v3/{Deployment.Project}/backups";

    [Fact]
    public async Task Create_refuses_each_malformed_body_with_a_precise_400()
    {
        var volume = await _deployment.CreateVolumeAsync(1);
        var cases = new (object Body, string Expected)[]
        {
            ("{\"backup\": {\"volume_id\": ", "Malformed request body"),
            ("", "Malformed request body"),
            ("[1, 2]", "'backup' is a required property"),
            ("{\"backup\": \"x\"}", "is not of type 'object'"),
            (new { backup = new { name = "no volume" } }, "'volume_id' is a required property"),
            (new { backup = new { volume_id = "not-a-uuid" } }, "'not-a-uuid' is not a 'uuid'"),
            (new { backup = new { volume_id = 42 } }, "is not of type 'string'"),
            (new { backup = new { volume_id = volume, name = new string('n', 256) } }, "is too long"),
            (new { backup = new { volume_id = volume, description = new string('d', 256) } }, "is too long"),
            (new { backup = new { volume_id = volume, name = 7 } }, "is not of type 'string', 'null'"),
            (new { backup = new { volume_id = volume, incremental = "perhaps" } }, "is not of type 'boolean'"),
            (new { backup = new { volume_id = volume, force = 3 } }, "is not of type 'boolean'"),
            (new { backup = new { volume_id = volume, snapshot_id = "snap" } }, "'snap' is not a 'uuid'"),
            (new { backup = new { volume_id = volume, colour = "blue" } }, "Additional properties are not allowed ('colour' was unexpected)"),
            (new { backup = new { volume_id = volume, name = "nul\0byte" } }, "It contains a NUL character."),
            (new { backup = new { volume_id = volume }, extra = 1 }, "Additional properties are not allowed ('extra' was unexpected)"),
        };
        foreach (var (body, expected) in cases)
        {
            var message = await AssertFaultAsync(await SendAsync(_deployment.Api, HttpMethod.Post, Backups, body), HttpStatusCode.BadRequest, "badRequest");
            Assert.Contains(expected, message, StringComparison.Ordinal);
        }

        var badMetadata = new object[]
        {
            new { backup = new { volume_id = volume, metadata = "tier=gold" } },
            new { backup = new { volume_id = volume, metadata = new Dictionary<string, object> { ["tier"] = 5 } } },
            new { backup = new { volume_id = volume, metadata = new Dictionary<string, object> { [""] = "empty key" } } },
            new { backup = new { volume_id = volume, metadata = new Dictionary<string, object> { ["k"] = new string('v', 256) } } },
        };
        foreach (var body in badMetadata)
        {
            Assert.Contains("metadata", await AssertFaultAsync(await SendAsync(_deployment.Api, HttpMethod.Post, Backups, body, "3.43"), HttpStatusCode.BadRequest, "badRequest"), StringComparison.Ordinal);
        }

        Assert.Equal("available", (await _deployment.VolumeAsync(volume)).GetProperty("status").GetString());
        Assert.Equal(0, (await Deployment.ReadAsync(await _deployment.Api.GetAsync(Backups))).GetProperty("backups").GetArrayLength());
        Assert.Equal(0, (await Deployment.ReadAsync(await _deployment.Api.GetAsync($"{Backups}/detail?name=%00&status=x%00"))).GetProperty("backups").GetArrayLength());
    }

    [Fact]
    public async Task Oversized_bodies_are_refused_whether_or_not_they_announce_their_length()
    {
        var big = "{\"backup\": {\"name\": \"" + new string('x', 2 * 1024 * 1024) + "\"}}";
        var announced = await SendAsync(_deployment.Api, HttpMethod.Post, Backups, big);
        Assert.Contains("larger than", await AssertFaultAsync(announced, HttpStatusCode.BadRequest, "badRequest"), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Post, Backups) { Content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(big))) };
        request.Headers.TransferEncodingChunked = true;
        request.Content.Headers.ContentType = new("application/json");
        Assert.Contains("larger than", await AssertFaultAsync(await _deployment.Api.SendAsync(request), HttpStatusCode.BadRequest, "badRequest"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ids_that_are_no_uuids_are_not_found_and_actions_restores_updates_and_imports_check_their_bodies()
    {
        await AssertFaultAsync(await _deployment.Api.GetAsync($"{Backups}/not-a-uuid"), HttpStatusCode.NotFound, "itemNotFound");
        Assert.Equal("Backup nope could not be found.", await AssertFaultAsync(await _deployment.Api.DeleteAsync($"{Backups}/nope"), HttpStatusCode.NotFound, "itemNotFound"));
        await AssertFaultAsync(await SendAsync(_deployment.Api, HttpMethod.Put, $"{Backups}/nope", new { backup = new { name = "x" } }, "3.9"), HttpStatusCode.NotFound, "itemNotFound");

        var id = Guid.NewGuid();
        var action = $"{Backups}/{id}/action";
        Assert.Contains("Malformed request body", await AssertFaultAsync(await SendAsync(_deployment.AdminApi, HttpMethod.Post, action, "{"), HttpStatusCode.BadRequest, "badRequest"), StringComparison.Ordinal);
        Assert.Equal("There is no such action: os-frobnicate", await AssertFaultAsync(
            await SendAsync(_deployment.Api, HttpMethod.Post, action, new Dictionary<string, object> { ["os-frobnicate"] = new { } }), HttpStatusCode.BadRequest, "badRequest"));
        await AssertFaultAsync(await SendAsync(_deployment.AdminApi, HttpMethod.Post, action, "{}"), HttpStatusCode.BadRequest, "badRequest");
        await AssertFaultAsync(await SendAsync(_deployment.AdminApi, HttpMethod.Post, action, "{\"os-reset_status\": {}, \"os-force_delete\": null}"), HttpStatusCode.BadRequest, "badRequest");

        var restore = $"{Backups}/{id}/restore";
        Assert.Contains("'vol' is not a 'uuid'", await AssertFaultAsync(await SendAsync(_deployment.Api, HttpMethod.Post, restore, new { restore = new { volume_id = "vol" } }), HttpStatusCode.BadRequest, "badRequest"), StringComparison.Ordinal);
        Assert.Contains("is too long", await AssertFaultAsync(await SendAsync(_deployment.Api, HttpMethod.Post, restore, new { restore = new { name = new string('n', 256) } }), HttpStatusCode.BadRequest, "badRequest"), StringComparison.Ordinal);
        Assert.Contains("('size' was unexpected)", await AssertFaultAsync(await SendAsync(_deployment.Api, HttpMethod.Post, restore, new { restore = new { size = 1 } }), HttpStatusCode.BadRequest, "badRequest"), StringComparison.Ordinal);

        var update = $"{Backups}/{id}";
        Assert.Contains("('status' was unexpected)", await AssertFaultAsync(await SendAsync(_deployment.Api, HttpMethod.Put, update, new { backup = new { status = "available" } }, "3.9"), HttpStatusCode.BadRequest, "badRequest"), StringComparison.Ordinal);
        Assert.Contains("is too long", await AssertFaultAsync(await SendAsync(_deployment.Api, HttpMethod.Put, update, new { backup = new { name = new string('n', 256) } }, "3.9"), HttpStatusCode.BadRequest, "badRequest"), StringComparison.Ordinal);

        var import = $"{Backups}/import_record";
        await AssertFaultAsync(await SendAsync(_deployment.AdminApi, HttpMethod.Post, import, new Dictionary<string, object> { ["backup-record"] = new { backup_service = "cinder.backup.drivers.posix" } }), HttpStatusCode.BadRequest, "badRequest");
        Assert.Equal("Invalid input received: Can't decode/parse backup record.", await AssertFaultAsync(
            await SendAsync(_deployment.AdminApi, HttpMethod.Post, import, new Dictionary<string, object> { ["backup-record"] = new { backup_service = "cinder.backup.drivers.posix", backup_url = "!!not base64!!" } }),
            HttpStatusCode.BadRequest,
            "badRequest"));
        Assert.Contains("('extra' was unexpected)", await AssertFaultAsync(
            await SendAsync(_deployment.AdminApi, HttpMethod.Post, import, new Dictionary<string, object> { ["backup-record"] = new { backup_service = "s", backup_url = "u", extra = 1 } }),
            HttpStatusCode.BadRequest,
            "badRequest"), StringComparison.Ordinal);
    }
}
