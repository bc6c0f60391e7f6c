using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.IntegrationTests;

/// <summary>kill -9 of a real worker process in the middle of its work, then the same host started again (Cinder's init_host).</summary>
public sealed class CrashTests
{
    private const int DataBytes = 384 * 1024 * 1024;

    // Store requests retried long past the moment the test kills the worker.
    private const int RetryForever = 1000;

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
        var container = Path.Combine(deployment.StorePath, "volumebackups");
        await Deployment.WaitUntilAsync(() => Task.FromResult(
            Directory.Exists(Path.Combine(container, "packs")) && Directory.EnumerateFiles(Path.Combine(container, "packs"), "*", SearchOption.AllDirectories).Any()));
        worker.Kill();
        await worker.WaitForExitAsync();
        Assert.Equal("creating", (await deployment.BackupAsync(backupId)).GetProperty("status").GetString());
        Assert.Equal("backing-up", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());

        // No grace: the packs the dead backup uploaded are freed by the start-up cleanup itself, not hours later.
        await deployment.StartWorkerProcessAsync(Deployment.WorkerHost, "nova", "--BackupPlatform:Store:GarbageCollection:Grace=00:00:00");
        var backup = await deployment.WaitForBackupAsync(backupId, "creating");
        Assert.Equal("error", backup.GetProperty("status").GetString());
        Assert.Equal("Incomplete backup reset: incomplete backup reset on manager restart", backup.GetProperty("fail_reason").GetString());
        await Deployment.WaitUntilAsync(async () => (await deployment.VolumeAsync(volume)).GetProperty("status").GetString() == "available");

        // The only backup in the container died: nothing of it may be left, not a pack, an index, a lock or a temporary file.
        // The container's chunk naming key stays: it belongs to the container, never to a backup (docs/storage-format.md).
        var namingKeys = Path.Combine(container, "keys", "naming") + Path.DirectorySeparatorChar;
        await Deployment.WaitUntilAsync(() => Task.FromResult(!Directory.EnumerateFiles(container, "*", SearchOption.AllDirectories).Any(f => !f.StartsWith(namingKeys, StringComparison.Ordinal))));
        Assert.Single(Directory.GetFiles(namingKeys));

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
        await deployment.RestoreBackupAsync(backupId, target);
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
    public async Task A_worker_killed_mid_delete_and_restarted_finishes_the_delete()
    {
        var container = $"bp-{Guid.NewGuid():N}";
        var proxy = new TcpProxy(SwiftServer.Port);
        await using var deployment = await Deployment.StartAsync(withWorker: false);
        var worker = await deployment.StartWorkerProcessAsync(Deployment.WorkerHost, "nova", SwiftServer.WorkerArgs(proxy.Port, container, RetryForever));
        var volume = await deployment.CreateVolumeAsync(1);
        await deployment.UploadAsync(volume, RandomBytes(8 * 1024 * 1024, seed: 14));
        var created = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume } });
        var backupId = (await Deployment.ReadAsync(created)).GetProperty("backup").GetProperty("id").GetGuid();
        Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "creating")).GetProperty("status").GetString());
        using var swift = SwiftServer.Store();
        Assert.NotEmpty(await ListAsync(swift, container, $"backups/{backupId}/"));

        // A delete cannot finish quickly enough to be killed inside on its own: with Swift unreachable it
        // begins, then keeps retrying its first store request, and the process dies right there.
        await proxy.DisposeAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await deployment.Api.DeleteAsync($"/v3/{Deployment.Project}/backups/{backupId}")).StatusCode);
        await WaitUntilBegunAsync(deployment, backupId);
        worker.Kill();
        await worker.WaitForExitAsync();
        Assert.Equal("deleting", (await deployment.BackupAsync(backupId)).GetProperty("status").GetString());
        Assert.NotEmpty(await ListAsync(swift, container, $"backups/{backupId}/"));

        await using var back = new TcpProxy(SwiftServer.Port);
        await deployment.StartWorkerProcessAsync(Deployment.WorkerHost, "nova", SwiftServer.WorkerArgs(back.Port, container, RetryForever));
        await Deployment.WaitUntilAsync(async () => (await deployment.Api.GetAsync($"/v3/{Deployment.Project}/backups/{backupId}")).StatusCode == HttpStatusCode.NotFound);
        Assert.Empty(await ListAsync(swift, container, $"backups/{backupId}/"));
        Assert.Empty(await ListAsync(swift, container, "locks/"));
        await using var rows = deployment.BackupDb();
        var row = await rows.Backups.SingleAsync(b => b.Id == backupId);
        Assert.True(row.Deleted);
        Assert.Equal("deleted", row.Status);
        Assert.Equal("available", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());
    }

    private static async Task<List<string>> ListAsync(BackupPlatform.Storage.Stores.SwiftStore store, string container, string prefix)
    {
        var names = new List<string>();
        await foreach (var name in store.ListAsync(container, prefix, CancellationToken.None))
        {
            names.Add(name);
        }

        return names;
    }

    private static Task WaitUntilBegunAsync(Deployment deployment, Guid backupId) =>
        Deployment.WaitUntilAsync(async () =>
        {
            await using var db = deployment.BackupDb();
            return await db.Backups.AnyAsync(b => b.Id == backupId && b.WorkStartedAt != null);
        });

    /// <summary>
    /// Issue 12's crash-safety check. .NET cannot catch a stack overflow: the runtime aborts the process, as it can on
    /// running out of memory. In production the API is its own process (its own pod): its sudden death (here kill -9,
    /// right after a 202) must stop no worker or scheduler, and what it accepted must still end.
    /// </summary>
    [Fact]
    public async Task An_API_process_that_dies_suddenly_stops_no_worker_or_scheduler_and_its_backup_completes()
    {
        await using var deployment = await Deployment.StartAsync(withWorker: false);
        var worker = await deployment.StartWorkerProcessAsync(Deployment.WorkerHost, "nova");
        var (api, address) = await deployment.StartApiProcessAsync();
        var volume = await deployment.CreateVolumeAsync(2);
        await deployment.UploadAsync(volume, RandomBytes(DataBytes, seed: 14));
        using var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Add("X-Auth-Token", $"tenant:{Deployment.Project}");
        var response = await client.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var backupId = (await Deployment.ReadAsync(response)).GetProperty("backup").GetProperty("id").GetGuid();

        api.Kill();
        await api.WaitForExitAsync();

        // The worker (its own process) and the scheduler go on: the backup the dead API accepted completes, and a new one
        // through another API is routed and made.
        Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "creating")).GetProperty("status").GetString());
        Assert.False(worker.HasExited);
        var next = await deployment.CreateBackupAsync(volume);
        Assert.Equal("available", (await deployment.WaitForBackupAsync(next, "creating")).GetProperty("status").GetString());
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
