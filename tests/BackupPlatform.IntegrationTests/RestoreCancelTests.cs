using System.Net;
using System.Net.Http.Json;
using BackupPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.IntegrationTests;

/// <summary>Cinder's BackupRestoreCancel: changing a restoring backup's status stops the restore.</summary>
public sealed class RestoreCancelTests
{
    [Fact]
    public async Task Setting_the_status_of_a_restoring_backup_cancels_the_restore_and_leaves_the_volume_in_error()
    {
        await using var deployment = await Deployment.StartAsync();
        var source = await deployment.CreateVolumeAsync(2);
        var content = new byte[512 * 1024 * 1024];
        new Random(5).NextBytes(content);
        await deployment.UploadAsync(source, content);
        var created = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = source } });
        var backupId = (await Deployment.ReadAsync(created)).GetProperty("backup").GetProperty("id").GetGuid();
        Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "creating")).GetProperty("status").GetString());

        var target = await deployment.CreateVolumeAsync(2);
        var restore = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups/{backupId}/restore", new { restore = new { volume_id = target } });
        Assert.Equal(HttpStatusCode.Accepted, restore.StatusCode);
        await Deployment.WaitUntilAsync(async () =>
        {
            await using var db = deployment.BackupDb();
            return await db.Backups.AnyAsync(b => b.Id == backupId && b.WorkStartedAt != null);
        });

        // What os-reset_status does to the row.
        await using (var db = deployment.BackupDb())
        {
            await db.Backups.Where(b => b.Id == backupId).ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, BackupStatus.Error));
        }

        // Had the restore run on, the volume would end available; error means it stopped.
        await Deployment.WaitUntilAsync(async () => (await deployment.VolumeAsync(target)).GetProperty("status").GetString() is "error" or "available", seconds: 30);
        Assert.Equal("error", (await deployment.VolumeAsync(target)).GetProperty("status").GetString());
        Assert.Equal("error", (await deployment.BackupAsync(backupId)).GetProperty("status").GetString());

        // The worker lets go of the volume first and of the backup's row last (a crash in between is then
        // cleaned up at start-up), so the row is waited for, not read at once.
        await Deployment.WaitUntilAsync(
            async () =>
            {
                await using var db = deployment.BackupDb();
                return await db.Backups.AnyAsync(b => b.Id == backupId && b.WorkStartedAt == null);
            },
            seconds: 10);
        Assert.Equal("error", (await deployment.BackupAsync(backupId)).GetProperty("status").GetString());
    }
}
