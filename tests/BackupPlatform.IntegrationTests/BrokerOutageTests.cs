namespace BackupPlatform.IntegrationTests;

/// <summary>
/// RabbitMQ down while work is in flight: the workers are alive and their work goes on, since it needs
/// the database, the volume service (over HTTP) and the store, never the broker. Nothing may be failed
/// over, and a backup ends available even when its last volume calls fall inside the outage.
/// </summary>
[Collection(PrivateRabbitMq.Collection)]
public sealed class BrokerOutageTests
{
    private const int DataBytes = 192 * 1024 * 1024;

    [Fact]
    public async Task A_backup_whose_closing_volume_calls_fall_in_a_broker_outage_ends_available_while_the_broker_is_still_down()
    {
        await using var broker = await PrivateRabbitMq.StartAsync();
        await using var deployment = await Deployment.StartOnAsync(PrivateRabbitMq.Uri, false);
        // The worker reaches the volume service through a proxy the test holds: its closing volume calls then
        // wait at a known point, so the outage spans them whatever the machine's speed.
        await using var volumeService = new TcpProxy(deployment.Volumes.BaseAddress!.Port);
        await deployment.StartWorkerAsync(Deployment.WorkerHost, "nova", $"--BackupPlatform:VolumeService:Url=http://127.0.0.1:{volumeService.Port}/", "--BackupPlatform:Engine:Compression=none");
        var volume = await deployment.CreateVolumeAsync(1);
        var content = new byte[128 * 1024 * 1024];
        new Random(43).NextBytes(content);
        await deployment.UploadAsync(volume, content);
        var backupId = await deployment.CreateBackupAsync(volume);
        // The backup's lock is its first write to the store (after its opening volume calls) and is removed
        // after its manifest, its last (before its closing volume calls).
        var writing = Path.Combine(deployment.StorePath, "volumebackups", "locks", backupId.ToString());
        var manifest = Path.Combine(deployment.StorePath, "volumebackups", "backups", backupId.ToString(), "metadata.json");
        await Deployment.WaitUntilAsync(() => Task.FromResult(File.Exists(writing)), seconds: 180);
        volumeService.Hold();
        Assert.True(File.Exists(writing), "the backup had finished writing before the proxy held its volume calls: make it longer");

        await broker.StopAsync();
        await Deployment.WaitUntilAsync(() => Task.FromResult(File.Exists(manifest) && !File.Exists(writing)), seconds: 180);
        // Written, and its closing volume calls (TerminateConnection, then the release) are waiting: the volume is still reserved.
        Assert.Equal("backing-up", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());
        Assert.Equal("creating", (await deployment.BackupAsync(backupId)).GetProperty("status").GetString());

        volumeService.Resume();
        // It ends with the broker still down: nothing on its way to available goes through RabbitMQ.
        await Deployment.WaitUntilAsync(async () => (await deployment.BackupAsync(backupId)).GetProperty("status").GetString() != "creating", seconds: 180);
        var backup = await deployment.BackupAsync(backupId);
        Assert.Equal("available", backup.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, backup.GetProperty("fail_reason").ValueKind);
        Assert.Equal("available", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_broker_outage_longer_than_the_service_down_time_fails_over_no_host_and_the_backup_in_flight_completes()
    {
        await using var broker = await PrivateRabbitMq.StartAsync();
        await using var deployment = await Deployment.StartOnAsync(
            PrivateRabbitMq.Uri,
            false,
            "--BackupPlatform:Scheduler:ServiceDownTime=00:00:30",
            "--BackupPlatform:Scheduler:FailoverInterval=00:00:01");

        // bz2 on one thread (about 3 MB/s of random data): a backup of about a minute, which outlasts the outage.
        await deployment.StartWorkerAsync(Deployment.WorkerHost, "nova", "--BackupPlatform:Engine:Compression=bz2", "--BackupPlatform:Engine:Parallelism=1");
        var volume = await deployment.CreateVolumeAsync(1);
        var content = new byte[DataBytes];
        new Random(41).NextBytes(content);
        await deployment.UploadAsync(volume, content);
        var backupId = await deployment.CreateBackupAsync(volume);
        var packs = Path.Combine(deployment.StorePath, "volumebackups", "packs");
        await Deployment.WaitUntilAsync(() => Task.FromResult(Directory.Exists(packs) && Directory.EnumerateFiles(packs, "*", SearchOption.AllDirectories).Any()), seconds: 180);

        await broker.StopAsync();
        // Past ServiceDownTime and several failover checks. ServiceDownTime itself must exceed the time a
        // worker takes to reconnect once the broker is back (MassTransit's retry interval grows with the outage).
        await Task.Delay(TimeSpan.FromSeconds(35));
        var during = await deployment.BackupAsync(backupId);
        Assert.Equal("creating", during.GetProperty("status").GetString());
        Assert.Equal("backing-up", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());

        await broker.RestartAsync();
        await Deployment.WaitUntilAsync(async () => (await deployment.BackupAsync(backupId)).GetProperty("status").GetString() != "creating", seconds: 180);
        var backup = await deployment.BackupAsync(backupId);
        Assert.Equal("available", backup.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, backup.GetProperty("fail_reason").ValueKind);
        Assert.Equal("available", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());
    }
}
