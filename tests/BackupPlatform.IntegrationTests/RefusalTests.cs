using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.IntegrationTests;

/// <summary>The backup manager's refusals and the forced backup of an in-use volume, with the statuses and rows each leaves.</summary>
public sealed class RefusalTests
{
    [Fact]
    public async Task An_in_use_volume_is_refused_without_force_and_backed_up_through_a_temporary_volume_with_it()
    {
        await using var deployment = await Deployment.StartAsync();
        var volume = await deployment.CreateVolumeAsync(1);
        var content = new byte[24 * 1024 * 1024];
        new Random(31).NextBytes(content);
        await deployment.UploadAsync(volume, content);
        await SetVolumeStatusAsync(deployment, volume, "in-use");

        var refused = await CreateAsync(deployment, new { volume_id = volume });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("Invalid volume: Backing up an in-use volume must use the force flag.", await MessageAsync(refused, "badRequest"));
        Assert.Equal("in-use", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());
        await using (var db = deployment.BackupDb())
        {
            Assert.False(await db.Backups.AnyAsync(b => b.VolumeId == volume));
        }

        var forced = await CreateAsync(deployment, new { volume_id = volume, force = true });
        Assert.Equal(HttpStatusCode.Accepted, forced.StatusCode);
        var backupId = (await Deployment.ReadAsync(forced)).GetProperty("backup").GetProperty("id").GetGuid();
        Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "creating")).GetProperty("status").GetString());
        Assert.Equal("in-use", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());
        await using (var volumes = deployment.VolumeDb())
        {
            var temporary = await volumes.Volumes.SingleAsync(v => v.TemporaryForBackupId == backupId);
            Assert.True(temporary.Deleted, "the temporary volume was left behind");
            Assert.False(File.Exists(Path.Combine(deployment.VolumesPath, $"{temporary.Id}.img")));
        }

        await using (var db = deployment.BackupDb())
        {
            Assert.Null((await db.Backups.SingleAsync(b => b.Id == backupId)).TempVolumeId);
        }

        var target = await deployment.CreateVolumeAsync(1);
        await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups/{backupId}/restore", new { restore = new { volume_id = target } });
        Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "restoring")).GetProperty("status").GetString());
        Assert.True((await deployment.DownloadAsync(target)).AsSpan(0, content.Length).SequenceEqual(content));
    }

    [Fact]
    public async Task Incremental_without_parent_delete_with_dependents_and_restore_to_a_small_volume_are_refused()
    {
        await using var deployment = await Deployment.StartAsync();
        var volume = await deployment.CreateVolumeAsync(2);

        var orphan = await CreateAsync(deployment, new { volume_id = volume, incremental = true });
        Assert.Equal(HttpStatusCode.BadRequest, orphan.StatusCode);
        Assert.Equal("Invalid backup: No backups available to do an incremental backup.", await MessageAsync(orphan, "badRequest"));
        Assert.Equal("available", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());

        var full = (await Deployment.ReadAsync(await CreateAsync(deployment, new { volume_id = volume }))).GetProperty("backup").GetProperty("id").GetGuid();
        Assert.Equal("available", (await deployment.WaitForBackupAsync(full, "creating")).GetProperty("status").GetString());
        var incremental = (await Deployment.ReadAsync(await CreateAsync(deployment, new { volume_id = volume, incremental = "true" }))).GetProperty("backup").GetProperty("id").GetGuid();
        var child = await deployment.WaitForBackupAsync(incremental, "creating");
        Assert.Equal("available", child.GetProperty("status").GetString());
        Assert.True(child.GetProperty("is_incremental").GetBoolean());
        Assert.True((await deployment.BackupAsync(full)).GetProperty("has_dependent_backups").GetBoolean());

        var parentDelete = await deployment.Api.DeleteAsync($"/v3/{Deployment.Project}/backups/{full}");
        Assert.Equal(HttpStatusCode.BadRequest, parentDelete.StatusCode);
        Assert.Equal("Invalid backup: Incremental backups exist for this backup.", await MessageAsync(parentDelete, "badRequest"));
        Assert.Equal("available", (await deployment.BackupAsync(full)).GetProperty("status").GetString());

        var small = await deployment.CreateVolumeAsync(1);
        var tooSmall = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups/{full}/restore", new { restore = new { volume_id = small } });
        Assert.Equal(HttpStatusCode.BadRequest, tooSmall.StatusCode);
        Assert.Contains("cannot be smaller than the backup size 2GB", await MessageAsync(tooSmall, "badRequest"), StringComparison.Ordinal);
        Assert.Equal("available", (await deployment.VolumeAsync(small)).GetProperty("status").GetString());
        Assert.Equal("available", (await deployment.BackupAsync(full)).GetProperty("status").GetString());

        // Children first, then the parent: both go.
        Assert.Equal(HttpStatusCode.Accepted, (await deployment.Api.DeleteAsync($"/v3/{Deployment.Project}/backups/{incremental}")).StatusCode);
        await Deployment.WaitUntilAsync(async () => (await deployment.Api.GetAsync($"/v3/{Deployment.Project}/backups/{incremental}")).StatusCode == HttpStatusCode.NotFound);
        Assert.False((await deployment.BackupAsync(full)).GetProperty("has_dependent_backups").GetBoolean());
        Assert.Equal(HttpStatusCode.Accepted, (await deployment.Api.DeleteAsync($"/v3/{Deployment.Project}/backups/{full}")).StatusCode);
        await Deployment.WaitUntilAsync(async () => (await deployment.Api.GetAsync($"/v3/{Deployment.Project}/backups/{full}")).StatusCode == HttpStatusCode.NotFound);
        await using var db = deployment.BackupDb();
        Assert.All(await db.Backups.Where(b => b.VolumeId == volume).ToListAsync(), b => Assert.True(b.Deleted && b.Status == "deleted"));
    }

    private static Task<HttpResponseMessage> CreateAsync(Deployment deployment, object backup) =>
        deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup });

    private static async Task<string?> MessageAsync(HttpResponseMessage response, string fault) =>
        (await Deployment.ReadAsync(response)).GetProperty(fault).GetProperty("message").GetString();

    private static async Task SetVolumeStatusAsync(Deployment deployment, Guid volume, string status)
    {
        using var admin = new HttpClient { BaseAddress = deployment.Volumes.BaseAddress };
        admin.DefaultRequestHeaders.Add("X-Auth-Token", $"admin:{Deployment.Project}");
        var response = await admin.PostAsJsonAsync($"/v3/{Deployment.Project}/volumes/{volume}/action", new Dictionary<string, object> { ["os-reset_status"] = new { status } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }
}
