using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.IntegrationTests;

/// <summary>
/// A command says which operation it is (issue 12, finding 6): a worker busy with one operation on a backup
/// takes a new command for that backup as new work, not as a redelivery, and no status is left transient.
/// </summary>
public sealed class OperationTests
{
    [Fact]
    public async Task Force_delete_during_a_restore_ends_the_restore_and_deletes_the_backup()
    {
        await using var deployment = await Deployment.StartAsync();
        var backupId = await BackupOfRandomDataAsync(deployment);
        var target = await deployment.CreateVolumeAsync(2);
        var restore = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups/{backupId}/restore", new { restore = new { volume_id = target } });
        Assert.Equal(HttpStatusCode.Accepted, restore.StatusCode);
        await WaitForWorkBegunAsync(deployment, backupId);

        var forceDelete = await deployment.AdminApi.PostAsync(
            $"/v3/{Deployment.Project}/backups/{backupId}/action", JsonContent.Create(new Dictionary<string, object?> { ["os-force_delete"] = null }));
        Assert.Equal(HttpStatusCode.Accepted, forceDelete.StatusCode);

        // Before, the delete was dropped as a redelivery of the restore: the backup stayed deleting.
        await Deployment.WaitUntilAsync(async () => (await deployment.Api.GetAsync($"/v3/{Deployment.Project}/backups/{backupId}")).StatusCode == HttpStatusCode.NotFound, seconds: 60);
        await Deployment.WaitUntilAsync(async () => (await deployment.VolumeAsync(target)).GetProperty("status").GetString() is not ("restoring-backup" or "maintenance"), seconds: 30);
        Assert.Equal("error_restoring", (await deployment.VolumeAsync(target)).GetProperty("status").GetString());
        Assert.False(File.Exists(Path.Combine(deployment.StorePath, "volumebackups", "backups", backupId.ToString(), "metadata.json")));
    }

    [Fact]
    public async Task Reset_to_available_during_a_create_then_a_restore_both_end_without_a_restart()
    {
        await using var deployment = await Deployment.StartAsync();
        var source = await deployment.CreateVolumeAsync(1);
        var content = new byte[512 * 1024 * 1024];
        new Random(7).NextBytes(content);
        await deployment.UploadAsync(source, content);
        var backupId = await deployment.CreateBackupAsync(source);
        await WaitForWorkBegunAsync(deployment, backupId);

        var reset = await deployment.AdminApi.PostAsJsonAsync(
            $"/v3/{Deployment.Project}/backups/{backupId}/action", new Dictionary<string, object> { ["os-reset_status"] = new { status = "available" } });
        Assert.Equal(HttpStatusCode.Accepted, reset.StatusCode);
        var target = await deployment.CreateVolumeAsync(1);
        var restore = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups/{backupId}/restore", new { restore = new { volume_id = target } });
        Assert.Equal(HttpStatusCode.Accepted, restore.StatusCode);

        // Before, the restore was dropped while the create ran: backup restoring and volume restoring-backup until a restart.
        Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "creating", "restoring")).GetProperty("status").GetString());
        await Deployment.WaitUntilAsync(async () => (await deployment.VolumeAsync(target)).GetProperty("status").GetString() is not ("restoring-backup" or "maintenance"), seconds: 30);
        Assert.Equal("available", (await deployment.VolumeAsync(target)).GetProperty("status").GetString());
        Assert.Equal("available", (await deployment.VolumeAsync(source)).GetProperty("status").GetString());
        var restored = await deployment.DownloadAsync(target);
        Assert.True(restored.AsSpan(0, content.Length).SequenceEqual(content), "the restored volume differs from the source");
    }

    private static async Task<Guid> BackupOfRandomDataAsync(Deployment deployment)
    {
        var source = await deployment.CreateVolumeAsync(2);
        var content = new byte[512 * 1024 * 1024];
        new Random(5).NextBytes(content);
        await deployment.UploadAsync(source, content);
        var backupId = await deployment.CreateBackupAsync(source);
        Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "creating")).GetProperty("status").GetString());
        return backupId;
    }

    private static Task WaitForWorkBegunAsync(Deployment deployment, Guid backupId) =>
        Deployment.WaitUntilAsync(async () =>
        {
            await using var db = deployment.BackupDb();
            return await db.Backups.AnyAsync(b => b.Id == backupId && b.WorkStartedAt != null);
        });
}
