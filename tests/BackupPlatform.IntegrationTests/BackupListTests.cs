using System.Net;
using System.Text.Json;
using BackupPlatform.Data;
using static BackupPlatform.IntegrationTests.CinderHttp;

namespace BackupPlatform.IntegrationTests;

/// <summary>
/// GET /backups and /backups/detail: filters, sort, limit/marker/offset, with_count, backups_links and
/// all_tenants, over rows written straight into the database of a project of the test's own.
/// </summary>
public sealed class BackupListTests(ApiDeploymentFixture fixture) : IClassFixture<ApiDeploymentFixture>
{
    private readonly Deployment _deployment = fixture.Deployment;

    [Fact]
    public async Task Filters_sorts_and_pages_as_cinder_does()
    {
        var project = Guid.NewGuid().ToString("N");
        var rows = await SeedAsync(project, 5);
        using var tenant = _deployment.ApiAs("lister", project);
        var url = $"/v3/{project}/backups";

        // Default order: created_at descending.
        Assert.Equal(rows.Select(r => r.Id).Reverse(), await IdsAsync(tenant, url));
        Assert.Equal(rows.Select(r => r.Id), await IdsAsync(tenant, $"{url}?sort=created_at:asc"));
        Assert.Equal(rows.Select(r => r.Id), await IdsAsync(tenant, $"{url}?sort_key=created_at&sort_dir=asc"));
        // cinderclient sends display_name at every version; name only counts from 3.37.
        Assert.Equal(rows.OrderBy(r => r.DisplayName, StringComparer.Ordinal).Select(r => r.Id), await IdsAsync(tenant, $"{url}?sort=display_name:asc"));
        Assert.Equal(rows.OrderBy(r => r.DisplayName, StringComparer.Ordinal).Select(r => r.Id), await IdsAsync(tenant, $"{url}?sort=name:asc", "3.37"));
        Assert.Equal("Invalid input received: Invalid sort key", await AssertFaultAsync(await GetAsync(tenant, $"{url}?sort=name:asc", "3.36"), HttpStatusCode.BadRequest, "badRequest"));
        await AssertFaultAsync(await tenant.GetAsync($"{url}?sort=size:sideways"), HttpStatusCode.BadRequest, "badRequest");
        await AssertFaultAsync(await tenant.GetAsync($"{url}?sort=size&sort_key=id"), HttpStatusCode.BadRequest, "badRequest");

        // Filters.
        Assert.Equal([rows.Single(r => r.DisplayName == "backup-2").Id], await IdsAsync(tenant, $"{url}/detail?name=backup-2"));
        Assert.Equal([rows[4].Id], await IdsAsync(tenant, $"{url}?status=error"));
        Assert.Equal(rows.Where(r => r.VolumeId == rows[0].VolumeId).Select(r => r.Id).Reverse(), await IdsAsync(tenant, $"{url}?volume_id={rows[0].VolumeId}"));
        Assert.Equal([rows.Single(r => r.DisplayName == "backup-3").Id], await IdsAsync(tenant, $"{url}?name~=kup-3", "3.34"));
        Assert.Equal("Invalid filters size are found in query options.", await AssertFaultAsync(await GetAsync(tenant, $"{url}?size=1", "3.31"), HttpStatusCode.BadRequest, "badRequest"));
        Assert.Equal(5, (await IdsAsync(tenant, $"{url}?size=1", "3.30")).Count);

        // Paging: limit, marker, offset, the next link and count.
        var page = await AssertJsonAsync(await tenant.GetAsync($"{url}?limit=2&sort=created_at:asc"), HttpStatusCode.OK);
        AssertKeys(page, "backups", "backups_links");
        Assert.Equal(rows.Take(2).Select(r => r.Id), page.GetProperty("backups").EnumerateArray().Select(b => b.GetProperty("id").GetGuid()));
        var next = Assert.Single(page.GetProperty("backups_links").EnumerateArray());
        AssertKeys(next, "rel", "href");
        Assert.Equal("next", next.GetProperty("rel").GetString());
        var nextHref = new Uri(next.GetProperty("href").GetString()!);
        Assert.Contains($"marker={rows[1].Id}", nextHref.Query, StringComparison.Ordinal);
        Assert.Equal(rows.Skip(2).Take(2).Select(r => r.Id), await IdsAsync(tenant, nextHref.PathAndQuery));
        Assert.Equal([rows[4].Id], await IdsAsync(tenant, $"{url}?limit=2&sort=created_at:asc&marker={rows[3].Id}"));
        Assert.Equal(rows.Skip(3).Select(r => r.Id), await IdsAsync(tenant, $"{url}?sort=created_at:asc&offset=3"));
        AssertKeys(await AssertJsonAsync(await tenant.GetAsync($"{url}?limit=5"), HttpStatusCode.OK), "backups", "backups_links");
        AssertKeys(await AssertJsonAsync(await tenant.GetAsync($"{url}?limit=6"), HttpStatusCode.OK), "backups");

        var counted = await AssertJsonAsync(await GetAsync(tenant, $"{url}/detail?limit=1&with_count=true", "3.45"), HttpStatusCode.OK);
        AssertKeys(counted, "backups", "backups_links", "count");
        Assert.Equal(5, counted.GetProperty("count").GetInt32());
        AssertKeys(await AssertJsonAsync(await GetAsync(tenant, $"{url}?with_count=true", "3.44"), HttpStatusCode.OK), "backups");

        Assert.Equal($"Marker {Guid.Empty} could not be found.", await AssertFaultAsync(await tenant.GetAsync($"{url}?marker={Guid.Empty}"), HttpStatusCode.NotFound, "itemNotFound"));
        Assert.Equal("limit param must be an integer", await AssertFaultAsync(await tenant.GetAsync($"{url}?limit=ten"), HttpStatusCode.BadRequest, "badRequest"));
        Assert.Equal("limit param must be positive", await AssertFaultAsync(await tenant.GetAsync($"{url}?limit=-1"), HttpStatusCode.BadRequest, "badRequest"));
        Assert.Equal("offset param must be an integer", await AssertFaultAsync(await tenant.GetAsync($"{url}?offset=x"), HttpStatusCode.BadRequest, "badRequest"));
        await AssertFaultAsync(await GetAsync(tenant, $"{url}?with_count=maybe", "3.45"), HttpStatusCode.BadRequest, "badRequest");
    }

    [Fact]
    public async Task All_tenants_is_for_administrators_only()
    {
        var projectA = Guid.NewGuid().ToString("N");
        var projectB = Guid.NewGuid().ToString("N");
        var a = await SeedAsync(projectA, 2);
        var b = await SeedAsync(projectB, 1);
        using var tenantA = _deployment.ApiAs("a", projectA);
        using var admin = _deployment.ApiAs("admin", projectB);

        Assert.Equal(a.Select(r => r.Id).Reverse(), await IdsAsync(tenantA, $"/v3/{projectA}/backups?all_tenants=1"));
        Assert.Equal("all_tenants must be a boolean, got 'maybe'.", await AssertFaultAsync(await tenantA.GetAsync($"/v3/{projectA}/backups?all_tenants=maybe"), HttpStatusCode.BadRequest, "badRequest"));

        Assert.Equal(b.Select(r => r.Id), await IdsAsync(admin, $"/v3/{projectB}/backups"));
        var all = await IdsAsync(admin, $"/v3/{projectB}/backups/detail?all_tenants=True");
        Assert.Superset(a.Concat(b).Select(r => r.Id).ToHashSet(), all.ToHashSet());
        var detail = (await AssertJsonAsync(await GetAsync(admin, $"/v3/{projectB}/backups/detail?all_tenants=1&name=backup-1", "3.18"), HttpStatusCode.OK)).GetProperty("backups");
        Assert.Contains(detail.EnumerateArray(), d => d.GetProperty("os-backup-project-attr:project_id").GetString() == projectA);
    }

    private static async Task<List<Guid>> IdsAsync(HttpClient client, string url, string? version = null)
    {
        var body = await AssertJsonAsync(await GetAsync(client, url, version), HttpStatusCode.OK);
        return body.GetProperty("backups").EnumerateArray().Select(b => b.GetProperty("id").GetGuid()).ToList();
    }

    /// <summary>Backups one second apart, named "backup-N" in an order unlike their creation; the last is in error; two volumes.</summary>
    private async Task<List<Backup>> SeedAsync(string project, int count)
    {
        var volumes = new[] { Guid.NewGuid(), Guid.NewGuid() };
        var start = DateTime.UtcNow.AddHours(-1);
        var rows = Enumerable.Range(0, count).Select(i => new Backup
        {
            Id = Guid.NewGuid(),
            ProjectId = project,
            UserId = "seed",
            VolumeId = volumes[i % 2],
            Status = i == count - 1 && count > 2 ? BackupStatus.Error : BackupStatus.Available,
            Size = 1,
            DisplayName = $"backup-{i * 3 % count}",
            CreatedAt = start.AddSeconds(i),
            UpdatedAt = start.AddSeconds(i),
            DataTimestamp = start.AddSeconds(i),
        }).ToList();
        await using var db = _deployment.BackupDb();
        db.Backups.AddRange(rows);
        await db.SaveChangesAsync();
        return rows;
    }
}
