using System.Net;
using System.Net.Http.Json;

namespace BackupPlatform.IntegrationTests;

/// <summary>SIGTERM to a real worker process (a scale-down, a rolling update) in the middle of a backup.</summary>
public sealed class WorkerShutdownTests
{
    private const int DataBytes = 256 * 1024 * 1024;

    [Fact]
    public async Task A_worker_told_to_stop_mid_backup_finishes_the_backup_then_exits()
    {
        await using var deployment = await Deployment.StartAsync(withWorker: false);

        // zlib on one thread: a backup of several seconds, so the signal lands in its middle.
        var worker = await deployment.StartWorkerProcessAsync(Deployment.WorkerHost, "nova", "--BackupPlatform:Engine:Compression=zlib", "--BackupPlatform:Engine:Parallelism=1", "--BackupPlatform:Worker:ShutdownDrainTimeout=00:02:00");
        var volume = await deployment.CreateVolumeAsync(1);
        var content = new byte[DataBytes];
        new Random(21).NextBytes(content);
        await deployment.UploadAsync(volume, content);

        var response = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var backupId = (await Deployment.ReadAsync(response)).GetProperty("backup").GetProperty("id").GetGuid();
        var packs = Path.Combine(deployment.StorePath, "volumebackups", "packs");
        await Deployment.WaitUntilAsync(() => Task.FromResult(Directory.Exists(packs) && Directory.EnumerateFiles(packs, "*", SearchOption.AllDirectories).Any()));
        Assert.Equal("creating", (await deployment.BackupAsync(backupId)).GetProperty("status").GetString());

        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", worker.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using (var exit = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            await worker.WaitForExitAsync(exit.Token);
        }

        // The worker is gone by itself, and the backup it had begun is whole, not cancelled.
        var backup = await deployment.BackupAsync(backupId);
        Assert.Equal("available", backup.GetProperty("status").GetString());
        Assert.Equal("available", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());

        await deployment.StartWorkerProcessAsync(Deployment.WorkerHost, "nova");
        var target = await deployment.CreateVolumeAsync(1);
        var restore = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups/{backupId}/restore", new { restore = new { volume_id = target } });
        Assert.Equal(HttpStatusCode.Accepted, restore.StatusCode);
        await Deployment.WaitUntilAsync(async () => (await deployment.VolumeAsync(target)).GetProperty("status").GetString() is "available" or "error_restoring");
        var restored = await deployment.DownloadAsync(target);
        Assert.Equal(content, restored.AsSpan(0, DataBytes).ToArray());
        Assert.False(restored.AsSpan(DataBytes).ContainsAnyExcept((byte)0));
    }
}
