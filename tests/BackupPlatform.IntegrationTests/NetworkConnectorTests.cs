using System.Collections.Concurrent;
using System.Diagnostics;
using BackupPlatform.Storage.Engine;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.IntegrationTests;

/// <summary>
/// Volumes without a shared file system: a worker that does not see the volume service's directory
/// (another node) backs up and restores through the HTTP data path, chosen by the volume service from
/// the worker's connector with nothing configured; a co-located worker keeps the file connector.
/// </summary>
public sealed class NetworkConnectorTests
{
    private const string RemoteHost = "worker-elsewhere";
    private const int PayloadBytes = 24 * 1024 * 1024;

    [Fact]
    public async Task A_worker_without_the_volumes_directory_backs_up_and_restores_through_http_and_a_co_located_one_through_the_file()
    {
        using var spans = new ConnectorSpans();
        await using var deployment = await Deployment.StartAsync(withWorker: false);
        // Its own Volumes:Path holds no marker (it does not exist): this worker is on another node as far as the volumes go.
        await deployment.StartWorkerAsync(
            RemoteHost,
            "az1",
            $"--BackupPlatform:Volumes:Path={Path.Combine(deployment.Root, "not-mounted")}",
            $"--BackupPlatform:VolumeService:Url={deployment.Volumes.BaseAddress}",
            $"--BackupPlatform:VolumeService:ServiceToken={Deployment.ServiceToken}");
        await deployment.StartWorkerAsync(Deployment.WorkerHost, "nova");

        var payload = new byte[PayloadBytes];
        new Random(31).NextBytes(payload);
        var source = await deployment.CreateVolumeAsync(1, "az1");
        await deployment.UploadAsync(source, payload);
        var backupId = await deployment.CreateBackupAsync(source);
        var backup = await deployment.WaitForBackupAsync(backupId, "creating");
        Assert.Equal("available", backup.GetProperty("status").GetString());

        var target = await deployment.CreateVolumeAsync(1, "az1");
        await deployment.RestoreBackupAsync(backupId, target);
        backup = await deployment.WaitForBackupAsync(backupId, "restoring");
        Assert.True(backup.GetProperty("fail_reason").ValueKind == System.Text.Json.JsonValueKind.Null, backup.GetProperty("fail_reason").ToString());
        Assert.Equal("available", (await deployment.VolumeAsync(target)).GetProperty("status").GetString());
        var restored = await deployment.DownloadAsync(target);
        Assert.Equal(Deployment.GiB, restored.LongLength);
        Assert.True(restored.AsSpan(0, PayloadBytes).SequenceEqual(payload), "the restored volume differs from the uploaded one");
        Assert.False(restored.AsSpan(PayloadBytes).ContainsAnyExcept((byte)0), "bytes past the upload are not zero");

        await using (var db = deployment.BackupDb())
        {
            Assert.Equal(RemoteHost, (await db.Backups.SingleAsync(b => b.Id == backupId)).Host);
        }

        Assert.Equal("http", spans.Connector(backupId, "backup write"));
        Assert.Equal("http", spans.Connector(backupId, "backup restore"));

        // Beside the volume service, the same zero configuration gives the file connector.
        var local = await deployment.CreateVolumeAsync(1);
        await deployment.UploadAsync(local, payload.AsSpan(0, 4 * 1024 * 1024).ToArray());
        var localBackup = await deployment.CreateBackupAsync(local);
        Assert.Equal("available", (await deployment.WaitForBackupAsync(localBackup, "creating")).GetProperty("status").GetString());
        Assert.Equal("file", spans.Connector(localBackup, "backup write"));
    }

    /// <summary>The connector each engine span of a backup was tagged with (the spans carry the backup id; tests run side by side).</summary>
    private sealed class ConnectorSpans : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly ConcurrentDictionary<(string BackupId, string Operation), string?> _seen = new();

        public ConnectorSpans()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == EngineTelemetry.Name,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity =>
                {
                    if (activity.GetTagItem("backupplatform.backup_id") is string backupId)
                    {
                        _seen[(backupId, activity.OperationName)] = activity.GetTagItem("backupplatform.volume.connector") as string;
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public string? Connector(Guid backupId, string operation) => _seen.GetValueOrDefault((backupId.ToString(), operation), "(no span)");

        public void Dispose() => _listener.Dispose();
    }
}
