using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;

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

        var backupId = await deployment.CreateBackupAsync(volume);
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
        await deployment.RestoreBackupAsync(backupId, target);
        await Deployment.WaitUntilAsync(async () => (await deployment.VolumeAsync(target)).GetProperty("status").GetString() is "available" or "error_restoring");
        var restored = await deployment.DownloadAsync(target);
        Assert.Equal(content, restored.AsSpan(0, DataBytes).ToArray());
        Assert.False(restored.AsSpan(DataBytes).ContainsAnyExcept((byte)0));
    }

    [Fact]
    public async Task A_draining_worker_keeps_work_only_while_no_other_host_can_take_it_then_hands_its_queue_on()
    {
        // Hosts stay "up" for five minutes after their last heartbeat: only the draining hand-on, not
        // the failover of a dead host, can move the queued backups within this test.
        await using var deployment = await Deployment.StartAsync(
            withWorker: false,
            "--BackupPlatform:Scheduler:ServiceDownTime=00:05:00",
            "--BackupPlatform:Scheduler:FailoverInterval=00:00:01");
        const string leaving = "leaving";
        var worker = await deployment.StartWorkerProcessAsync(leaving, "nova", "--BackupPlatform:Engine:Compression=zlib", "--BackupPlatform:Engine:Parallelism=1", "--BackupPlatform:Worker:MaxOperations=1", "--BackupPlatform:Worker:ShutdownDrainTimeout=00:02:00");
        var large = await deployment.CreateVolumeAsync(1);
        var content = new byte[DataBytes];
        new Random(22).NextBytes(content);
        await deployment.UploadAsync(large, content);
        var small = new List<Guid>();
        for (var i = 0; i < 2; i++)
        {
            small.Add(await deployment.CreateVolumeAsync(1));
            await deployment.UploadAsync(small[i], content.AsSpan(i * 4 * 1024 * 1024, 4 * 1024 * 1024).ToArray());
        }

        // One backup running on the host, one queued behind it (one operation at a time).
        var running = await deployment.CreateBackupAsync(large);
        var packs = Path.Combine(deployment.StorePath, "volumebackups", "packs");
        await Deployment.WaitUntilAsync(() => Task.FromResult(Directory.Exists(packs) && Directory.EnumerateFiles(packs, "*", SearchOption.AllDirectories).Any()));
        var queued = await deployment.CreateBackupAsync(small[0]);
        await WaitForHostOfAsync(deployment, queued, leaving);

        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", worker.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await Deployment.WaitUntilAsync(async () =>
        {
            await using var db = deployment.BackupDb();
            return await db.BackupServices.AnyAsync(h => h.Host == leaving && h.Draining);
        });

        // The only host is draining: a new backup is queued for it rather than failed for want of a host.
        var late = await deployment.CreateBackupAsync(small[1]);
        await WaitForHostOfAsync(deployment, late, leaving);
        Assert.Equal("creating", (await deployment.BackupAsync(late)).GetProperty("status").GetString());

        // Another host appears: what waits in the draining host's queue moves to it at once.
        await deployment.StartWorkerAsync("open", "nova");
        foreach (var backupId in new[] { queued, late })
        {
            Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "creating")).GetProperty("status").GetString());
            await using var db = deployment.BackupDb();
            Assert.Equal("open", (await db.Backups.SingleAsync(b => b.Id == backupId)).Host);
        }

        using (var exit = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            await worker.WaitForExitAsync(exit.Token);
        }

        Assert.Equal("available", (await deployment.BackupAsync(running)).GetProperty("status").GetString());
        await using (var db = deployment.BackupDb())
        {
            Assert.Equal(leaving, (await db.Backups.SingleAsync(b => b.Id == running)).Host);
        }

        foreach (var volume in small.Append(large))
        {
            Assert.Equal("available", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());
        }
    }

    private static Task WaitForHostOfAsync(Deployment deployment, Guid backupId, string host) =>
        Deployment.WaitUntilAsync(async () =>
        {
            await using var db = deployment.BackupDb();
            return await db.Backups.AnyAsync(b => b.Id == backupId && b.Host == host);
        });
}
