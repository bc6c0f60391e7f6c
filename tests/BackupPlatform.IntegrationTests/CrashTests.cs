using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.IntegrationTests;

/// <summary>kill -9 of a real worker process in the middle of its work, then the same host started again (Cinder's init_host).</summary>
public sealed class CrashTests
{
    private const int DataBytes = 384 * 1024 * 1024;

    [Fact]
    public async Task A_worker_killed_mid_backup_and_restarted_leaves_the_backup_error_and_the_volume_available()
    {
        await using var deployment = await Deployment.StartAsync(withWorker: false);
        var worker = await deployment.StartWorkerProcessAsync(Deployment.WorkerHost, "nova");
        var volume = await deployment.CreateVolumeAsync(2);
        await deployment.UploadAsync(volume, RandomBytes(DataBytes, seed: 11));

        var response = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var backupId = (await Deployment.ReadAsync(response)).GetProperty("backup").GetProperty("id").GetGuid();
        await WaitUntilBegunAsync(deployment, backupId);
        worker.Kill();
        await worker.WaitForExitAsync();
        Assert.Equal("creating", (await deployment.BackupAsync(backupId)).GetProperty("status").GetString());
        Assert.Equal("backing-up", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());

        await deployment.StartWorkerProcessAsync(Deployment.WorkerHost, "nova");
        var backup = await deployment.WaitForBackupAsync(backupId, "creating");
        Assert.Equal("error", backup.GetProperty("status").GetString());
        Assert.Equal("Incomplete backup reset: incomplete backup reset on manager restart", backup.GetProperty("fail_reason").GetString());
        await Deployment.WaitUntilAsync(async () => (await deployment.VolumeAsync(volume)).GetProperty("status").GetString() == "available");
        Assert.False(Directory.Exists(Path.Combine(deployment.StorePath, "volumebackups", "backups", backupId.ToString()))
            && Directory.EnumerateFiles(Path.Combine(deployment.StorePath, "volumebackups", "backups", backupId.ToString())).Any());

        // The command the killed worker had in hand came back to its queue: it must not run the backup again.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal("error", (await deployment.BackupAsync(backupId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_worker_killed_mid_restore_and_restarted_leaves_the_backup_available_and_the_volume_error_restoring()
    {
        await using var deployment = await Deployment.StartAsync(withWorker: false);
        var worker = await deployment.StartWorkerProcessAsync(Deployment.WorkerHost, "nova");
        var source = await deployment.CreateVolumeAsync(2);
        await deployment.UploadAsync(source, RandomBytes(DataBytes, seed: 12));
        var created = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = source } });
        var backupId = (await Deployment.ReadAsync(created)).GetProperty("backup").GetProperty("id").GetGuid();
        Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "creating")).GetProperty("status").GetString());

        var target = await deployment.CreateVolumeAsync(2);
        var restore = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups/{backupId}/restore", new { restore = new { volume_id = target } });
        Assert.Equal(HttpStatusCode.Accepted, restore.StatusCode);
        await WaitUntilBegunAsync(deployment, backupId);
        worker.Kill();
        await worker.WaitForExitAsync();

        await deployment.StartWorkerProcessAsync(Deployment.WorkerHost, "nova");
        var backup = await deployment.WaitForBackupAsync(backupId, "restoring");
        Assert.Equal("available", backup.GetProperty("status").GetString());
        Assert.Contains("incomplete backup reset on manager restart", backup.GetProperty("fail_reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("error_restoring", (await deployment.VolumeAsync(target)).GetProperty("status").GetString());
        Assert.Equal("available", (await deployment.VolumeAsync(source)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_delete_the_worker_had_begun_when_it_died_is_resumed_when_it_starts_again()
    {
        await using var deployment = await Deployment.StartAsync();
        var volume = await deployment.CreateVolumeAsync(1);
        await deployment.UploadAsync(volume, RandomBytes(8 * 1024 * 1024, seed: 13));
        var created = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume } });
        var backupId = (await Deployment.ReadAsync(created)).GetProperty("backup").GetProperty("id").GetGuid();
        Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "creating")).GetProperty("status").GetString());
        await deployment.StopWorkerAsync();

        // What the row looks like when a worker dies between taking a delete and finishing it
        // (a delete takes milliseconds here, too short to kill a process inside it reliably).
        await using (var db = deployment.BackupDb())
        {
            var begun = DateTime.UtcNow.AddMinutes(-1);
            await db.Backups.Where(b => b.Id == backupId).ExecuteUpdateAsync(
                s => s.SetProperty(b => b.Status, "deleting").SetProperty(b => b.WorkStartedAt, begun).SetProperty(b => b.Host, Deployment.WorkerHost));
        }

        await deployment.StartWorkerAsync();
        await Deployment.WaitUntilAsync(async () => (await deployment.Api.GetAsync($"/v3/{Deployment.Project}/backups/{backupId}")).StatusCode == HttpStatusCode.NotFound);
        Assert.False(File.Exists(Path.Combine(deployment.StorePath, "volumebackups", "backups", backupId.ToString(), "metadata.json")));
        await using var rows = deployment.BackupDb();
        var row = await rows.Backups.SingleAsync(b => b.Id == backupId);
        Assert.True(row.Deleted);
        Assert.Equal("deleted", row.Status);
        Assert.Null(row.WorkStartedAt);
    }

    private static Task WaitUntilBegunAsync(Deployment deployment, Guid backupId) =>
        Deployment.WaitUntilAsync(async () =>
        {
            await using var db = deployment.BackupDb();
            return await db.Backups.AnyAsync(b => b.Id == backupId && b.WorkStartedAt != null);
        });

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
