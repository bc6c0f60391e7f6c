using System.Net;
using System.Text;
using System.Text.Json;
using static BackupPlatform.IntegrationTests.CinderHttp;

namespace BackupPlatform.IntegrationTests;

/// <summary>
/// Issue 12, finding 3: tenants share the default container, and identical chunks were stored once, so a backup's
/// object_count told a tenant whether another tenant already stored a block. Chunks now dedup per project only.
/// </summary>
public sealed class DedupDomainTests
{
    private const string ProjectB = "fedcba9876543210fedcba9876543210";

    /// <summary>What differs between any two backups whatever they hold.</summary>
    private static readonly string[] Identity = ["id", "created_at", "updated_at", "data_timestamp", "links", "container"];

    [Fact]
    public async Task Tenant_b_backing_up_a_block_tenant_a_stores_sees_every_field_as_when_a_does_not_store_it()
    {
        await using var deployment = await Deployment.StartAsync();
        var block = new byte[4 * 1024 * 1024];
        new Random(12).NextBytes(block.AsSpan(0, block.Length / 2));
        Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("a log line of tenant data that compresses\n", 60_000)).AsSpan(0, block.Length / 2), block.AsSpan(block.Length / 2));
        using var tenantB = deployment.ApiAs("b", ProjectB);
        using var volumesB = deployment.VolumesAs("b", ProjectB);
        using var adminB = deployment.ApiAs("admin", ProjectB);
        var volumeB = await CreateVolumeAsync(volumesB, block);

        // Control: B backs the block up into a container where A holds nothing.
        var control = await BackupAsync(tenantB, volumeB, $"control-{Guid.NewGuid():N}");

        // A stores the block in a container first, then B backs up the same block there.
        var shared = $"shared-{Guid.NewGuid():N}";
        var volumeA = await deployment.CreateVolumeAsync(1);
        await deployment.UploadAsync(volumeA, block);
        var a = await BackupAsync(deployment.Api, volumeA, shared, Deployment.Project);
        var b = await BackupAsync(tenantB, volumeB, shared);

        Assert.True((await ShowAsync(deployment.Api, a, Deployment.Project)).GetProperty("object_count").GetInt32() > 2, "tenant A's backup stored no pack");
        foreach (var microversion in (string?[])[null, "3.71"])
        {
            Assert.Equal(Fields(await ShowAsync(tenantB, control, ProjectB, microversion), control), Fields(await ShowAsync(tenantB, b, ProjectB, microversion), b));
            Assert.Equal(Fields(await ShowAsync(adminB, control, ProjectB, microversion), control), Fields(await ShowAsync(adminB, b, ProjectB, microversion), b));
        }

        var record = Fields(await RecordAsync(adminB, b), b);
        Assert.Contains("object_count=", record, StringComparison.Ordinal);
        Assert.Equal(Fields(await RecordAsync(adminB, control), control), record);
    }

    private static async Task<Guid> CreateVolumeAsync(HttpClient volumes, byte[] content)
    {
        var created = await AssertJsonAsync(await SendAsync(volumes, HttpMethod.Post, $"/v3/{ProjectB}/volumes", new { volume = new { size = 1 } }), HttpStatusCode.Accepted);
        var id = created.GetProperty("volume").GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await volumes.PutAsync($"/v3/{ProjectB}/volumes/{id}/content", new ByteArrayContent(content))).StatusCode);
        return id;
    }

    private static async Task<Guid> BackupAsync(HttpClient api, Guid volume, string container, string project = ProjectB)
    {
        var created = await AssertJsonAsync(await SendAsync(api, HttpMethod.Post, $"/v3/{project}/backups", new { backup = new { volume_id = volume, container } }), HttpStatusCode.Accepted);
        var id = created.GetProperty("backup").GetProperty("id").GetGuid();
        await Deployment.WaitUntilAsync(async () => (await ShowAsync(api, id, project)).GetProperty("status").GetString() != "creating");
        Assert.Equal("available", (await ShowAsync(api, id, project)).GetProperty("status").GetString());
        return id;
    }

    private static async Task<JsonElement> ShowAsync(HttpClient api, Guid id, string project, string? microversion = null) =>
        (await AssertJsonAsync(await GetAsync(api, $"/v3/{project}/backups/{id}", microversion), HttpStatusCode.OK)).GetProperty("backup");

    /// <summary>The backup's exported record (Cinder's base64 JSON of the row, service_metadata included).</summary>
    private static async Task<JsonElement> RecordAsync(HttpClient admin, Guid id)
    {
        var record = (await AssertJsonAsync(await admin.GetAsync($"/v3/{ProjectB}/backups/{id}/export_record"), HttpStatusCode.OK)).GetProperty("backup-record");
        return JsonDocument.Parse(Convert.FromBase64String(record.GetProperty("backup_url").GetString()!)).RootElement.Clone();
    }

    /// <summary>Every field but the backup's identity, one "name=value" line each (nested objects and JSON in strings whole), with its id written as ID.</summary>
    private static string Fields(JsonElement backup, Guid id) =>
        string.Join('\n', backup.EnumerateObject()
            .Where(p => !Identity.Contains(p.Name))
            .Select(p => $"{p.Name}={p.Value.GetRawText().Replace(id.ToString(), "ID", StringComparison.OrdinalIgnoreCase)}")
            .Order(StringComparer.Ordinal));
}
