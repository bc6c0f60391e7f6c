using System.Net;
using System.Net.Http.Json;

namespace BackupPlatform.IntegrationTests;

/// <summary>os-reset_status and os-force_delete, and the refusals around them.</summary>
public sealed class AdminActionTests
{
    [Fact]
    public async Task Reset_status_and_force_delete_are_admin_only_and_reset_accepts_only_available_or_error()
    {
        await using var deployment = await Deployment.StartAsync();
        var volume = await deployment.CreateVolumeAsync(1);
        var created = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume } });
        var backupId = (await Deployment.ReadAsync(created)).GetProperty("backup").GetProperty("id").GetGuid();
        Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "creating")).GetProperty("status").GetString());
        var action = $"/v3/{Deployment.Project}/backups/{backupId}/action";

        var tenantReset = await deployment.Api.PostAsJsonAsync(action, new Dictionary<string, object> { ["os-reset_status"] = new { status = "error" } });
        Assert.Equal(HttpStatusCode.Forbidden, tenantReset.StatusCode);
        Assert.True((await Deployment.ReadAsync(tenantReset)).TryGetProperty("forbidden", out _));
        var tenantDelete = await deployment.Api.PostAsync(action, JsonContent.Create(new Dictionary<string, object?> { ["os-force_delete"] = null }));
        Assert.Equal(HttpStatusCode.Forbidden, tenantDelete.StatusCode);
        Assert.Equal("available", (await deployment.BackupAsync(backupId)).GetProperty("status").GetString());

        var badStatus = await deployment.AdminApi.PostAsJsonAsync(action, new Dictionary<string, object> { ["os-reset_status"] = new { status = "creating" } });
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.Equal("Backup status: creating is invalid, valid statuses are: ['available', 'error'].", (await Deployment.ReadAsync(badStatus)).GetProperty("badRequest").GetProperty("message").GetString());
        var unknown = await deployment.AdminApi.PostAsJsonAsync(action, new Dictionary<string, object> { ["os-frobnicate"] = new { } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);

        var reset = await deployment.AdminApi.PostAsJsonAsync(action, new Dictionary<string, object> { ["os-reset_status"] = new { status = "ERROR" } });
        Assert.Equal(HttpStatusCode.Accepted, reset.StatusCode);
        Assert.Equal("error", (await deployment.BackupAsync(backupId)).GetProperty("status").GetString());

        var forceDelete = await deployment.AdminApi.PostAsync(action, JsonContent.Create(new Dictionary<string, object?> { ["os-force_delete"] = null }));
        Assert.Equal(HttpStatusCode.Accepted, forceDelete.StatusCode);
        await Deployment.WaitUntilAsync(async () => (await deployment.Api.GetAsync($"/v3/{Deployment.Project}/backups/{backupId}")).StatusCode == HttpStatusCode.NotFound);
        Assert.False(File.Exists(Path.Combine(deployment.StorePath, "volumebackups", "backups", backupId.ToString(), "metadata.json")));
    }
}
