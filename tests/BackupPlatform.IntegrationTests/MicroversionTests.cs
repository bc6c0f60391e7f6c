using System.Net;
using static BackupPlatform.IntegrationTests.CinderHttp;

namespace BackupPlatform.IntegrationTests;

/// <summary>Version discovery and microversion negotiation: the documents, the answer headers, 400/406, and what each version gates.</summary>
public sealed class MicroversionTests(ApiDeploymentFixture fixture) : IClassFixture<ApiDeploymentFixture>
{
    private readonly Deployment _deployment = fixture.Deployment;

    private static string Backups => $"/v3/{Deployment.Project}/backups";

    [Fact]
    public async Task The_versions_document_is_300_at_the_root_and_200_at_v3_with_tempests_seven_keys()
    {
        foreach (var (path, status) in new[] { ("/", HttpStatusCode.MultipleChoices), ("/v3/", HttpStatusCode.OK) })
        {
            var body = await AssertJsonAsync(await _deployment.Api.GetAsync(path), status);
            AssertKeys(body, "versions");
            var version = Assert.Single(body.GetProperty("versions").EnumerateArray());
            AssertKeys(version, "id", "status", "version", "min_version", "updated", "links", "media-types");
            Assert.Equal("v3.0", version.GetProperty("id").GetString());
            Assert.Equal("CURRENT", version.GetProperty("status").GetString());
            Assert.Equal("3.71", version.GetProperty("version").GetString());
            Assert.Equal("3.0", version.GetProperty("min_version").GetString());
            Assert.All(version.GetProperty("links").EnumerateArray(), l => Assert.True(l.TryGetProperty("href", out _) && l.TryGetProperty("rel", out _)));
        }
    }

    [Theory]
    [InlineData(null, "volume 3.0")]
    [InlineData("volume 3.9", "volume 3.9")]
    [InlineData("volume latest", "volume 3.71")]
    [InlineData("volume 3.71", "volume 3.71")]
    [InlineData("compute 2.1, volume 3.45", "volume 3.45")]
    public async Task The_negotiated_version_is_echoed_with_vary(string? header, string answer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Backups);
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation(VersionHeader, header);
        }

        var response = await _deployment.Api.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(answer, Assert.Single(response.Headers.GetValues(VersionHeader)));
        Assert.Contains(VersionHeader, response.Headers.Vary);
        Assert.StartsWith("req-", Assert.Single(response.Headers.GetValues("x-openstack-request-id")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_above_the_maximum_is_406_and_a_malformed_one_400_both_with_cinders_body()
    {
        var above = await GetAsync(_deployment.Api, Backups, "3.72");
        Assert.Equal(
            "Version 3.72 is not supported by the API. Minimum is 3.0 and maximum is 3.71.",
            await AssertFaultAsync(above, HttpStatusCode.NotAcceptable, "notAcceptable"));
        Assert.Contains(VersionHeader, above.Headers.Vary);
        await AssertFaultAsync(await GetAsync(_deployment.Api, Backups, "4.0"), HttpStatusCode.NotAcceptable, "notAcceptable");
        await AssertFaultAsync(await GetAsync(_deployment.Api, Backups, "2.9"), HttpStatusCode.NotAcceptable, "notAcceptable");

        foreach (var malformed in new[] { "3", "3.x", "v3.1", "3.05", "3.1.2", "" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Backups);
            request.Headers.TryAddWithoutValidation(VersionHeader, $"volume {malformed}");
            var message = await AssertFaultAsync(await _deployment.Api.SendAsync(request), HttpStatusCode.BadRequest, "badRequest");
            Assert.Contains("invalid format", message, StringComparison.Ordinal);
        }

        using var noVolume = new HttpRequestMessage(HttpMethod.Get, Backups);
        noVolume.Headers.TryAddWithoutValidation(VersionHeader, "compute 2.1");
        await AssertFaultAsync(await _deployment.Api.SendAsync(noVolume), HttpStatusCode.BadRequest, "badRequest");
    }

    [Fact]
    public async Task Unknown_routes_and_methods_answer_itemNotFound()
    {
        Assert.Equal("The resource could not be found.", await AssertFaultAsync(await _deployment.Api.GetAsync($"/v3/{Deployment.Project}/frobnicators"), HttpStatusCode.NotFound, "itemNotFound"));
        await AssertFaultAsync(await _deployment.Api.GetAsync("/nothing/here.json"), HttpStatusCode.NotFound, "itemNotFound");
        var unknownBackup = await _deployment.Api.GetAsync($"{Backups}/{Guid.NewGuid()}");
        await AssertFaultAsync(unknownBackup, HttpStatusCode.NotFound, "itemNotFound");
        Assert.Equal("volume 3.0", Assert.Single(unknownBackup.Headers.GetValues(VersionHeader)));
    }

    [Fact]
    public async Task Update_exists_from_3_9_and_metadata_from_3_43()
    {
        var volume = await _deployment.CreateVolumeAsync(1);
        var created = await AssertJsonAsync(await SendAsync(_deployment.Api, HttpMethod.Post, Backups, new { backup = new { volume_id = volume, name = "mv" } }), HttpStatusCode.Accepted);
        var id = created.GetProperty("backup").GetProperty("id").GetGuid();

        Assert.Equal("The resource could not be found.", await AssertFaultAsync(
            await SendAsync(_deployment.Api, HttpMethod.Put, $"{Backups}/{id}", new { backup = new { name = "renamed" } }, "3.8"), HttpStatusCode.NotFound, "itemNotFound"));
        await AssertFaultAsync(
            await SendAsync(_deployment.Api, HttpMethod.Put, $"{Backups}/{id}", new { backup = new { metadata = new { a = "b" } } }, "3.42"), HttpStatusCode.BadRequest, "badRequest");
        await AssertFaultAsync(
            await SendAsync(_deployment.Api, HttpMethod.Post, Backups, new { backup = new { volume_id = volume, metadata = new { a = "b" } } }, "3.42"), HttpStatusCode.BadRequest, "badRequest");
        await AssertFaultAsync(
            await SendAsync(_deployment.Api, HttpMethod.Post, Backups, new { backup = new { volume_id = volume, availability_zone = "nova" } }, "3.50"), HttpStatusCode.BadRequest, "badRequest");

        var updated = await AssertJsonAsync(
            await SendAsync(_deployment.Api, HttpMethod.Put, $"{Backups}/{id}", new { backup = new { name = "renamed", description = "d", metadata = new { tier = "gold" } } }, "3.43"),
            HttpStatusCode.OK);
        AssertKeys(updated, "backup");
        AssertKeys(updated.GetProperty("backup"), "id", "name", "links");
        Assert.Equal("renamed", updated.GetProperty("backup").GetProperty("name").GetString());

        var at342 = (await AssertJsonAsync(await GetAsync(_deployment.Api, $"{Backups}/{id}", "3.42"), HttpStatusCode.OK)).GetProperty("backup");
        Assert.False(at342.TryGetProperty("metadata", out _));
        Assert.Equal("d", at342.GetProperty("description").GetString());
        var at343 = (await AssertJsonAsync(await GetAsync(_deployment.Api, $"{Backups}/{id}", "3.43"), HttpStatusCode.OK)).GetProperty("backup");
        Assert.Equal("gold", at343.GetProperty("metadata").GetProperty("tier").GetString());
        await _deployment.WaitForBackupAsync(id, "creating");
    }

    [Fact]
    public async Task Owner_fields_are_for_administrators_from_3_18_and_3_56()
    {
        var volume = await _deployment.CreateVolumeAsync(1);
        var created = await AssertJsonAsync(await SendAsync(_deployment.Api, HttpMethod.Post, Backups, new { backup = new { volume_id = volume } }), HttpStatusCode.Accepted);
        var id = created.GetProperty("backup").GetProperty("id").GetGuid();
        await _deployment.WaitForBackupAsync(id, "creating");
        var url = $"{Backups}/{id}";

        var admin317 = (await AssertJsonAsync(await GetAsync(_deployment.AdminApi, url, "3.17"), HttpStatusCode.OK)).GetProperty("backup");
        Assert.False(admin317.TryGetProperty("os-backup-project-attr:project_id", out _));
        var admin318 = (await AssertJsonAsync(await GetAsync(_deployment.AdminApi, url, "3.18"), HttpStatusCode.OK)).GetProperty("backup");
        Assert.Equal(Deployment.Project, admin318.GetProperty("os-backup-project-attr:project_id").GetString());
        Assert.False(admin318.TryGetProperty("user_id", out _));
        var admin356 = (await AssertJsonAsync(await GetAsync(_deployment.AdminApi, url, "3.56"), HttpStatusCode.OK)).GetProperty("backup");
        Assert.Equal("tenant", admin356.GetProperty("user_id").GetString());

        var tenant = (await AssertJsonAsync(await GetAsync(_deployment.Api, url, "latest"), HttpStatusCode.OK)).GetProperty("backup");
        Assert.False(tenant.TryGetProperty("os-backup-project-attr:project_id", out _));
        Assert.False(tenant.TryGetProperty("user_id", out _));
    }

    [Fact]
    public async Task Project_less_urls_reach_the_callers_project()
    {
        var volume = await _deployment.CreateVolumeAsync(1);
        var created = await AssertJsonAsync(await SendAsync(_deployment.Api, HttpMethod.Post, "/v3/backups", new { backup = new { volume_id = volume } }, "3.67"), HttpStatusCode.Accepted);
        var id = created.GetProperty("backup").GetProperty("id").GetGuid();
        Assert.Equal($"{_deployment.Api.BaseAddress!.GetLeftPart(UriPartial.Authority)}/v3/{Deployment.Project}/backups/{id}", created.GetProperty("backup").GetProperty("links")[0].GetProperty("href").GetString());

        var shown = await AssertJsonAsync(await GetAsync(_deployment.Api, $"/v3/backups/{id}", "3.67"), HttpStatusCode.OK);
        Assert.Equal(id, shown.GetProperty("backup").GetProperty("id").GetGuid());
        var listed = await AssertJsonAsync(await GetAsync(_deployment.Api, "/v3/backups/detail", "3.70"), HttpStatusCode.OK);
        Assert.Contains(listed.GetProperty("backups").EnumerateArray(), b => b.GetProperty("id").GetGuid() == id);

        using var anonymous = new HttpClient { BaseAddress = _deployment.Api.BaseAddress };
        await AssertFaultAsync(await anonymous.GetAsync("/v3/backups"), HttpStatusCode.Unauthorized, "unauthorized");
        await _deployment.WaitForBackupAsync(id, "creating");
    }
}
