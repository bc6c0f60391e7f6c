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

        // bz2 on one thread (about 3 MB/s of random data): the backup is still writing once the broker has stopped.
        await deployment.StartWorkerAsync(Deployment.WorkerHost, "nova", "--BackupPlatform:Engine:Compression=bz2", "--BackupPlatform:Engine:Parallelism=1");
        var volume = await deployment.CreateVolumeAsync(1);
        var content = new byte[96 * 1024 * 1024];
        new Random(43).NextBytes(content);
        await deployment.UploadAsync(volume, content);
        var backupId = await deployment.CreateBackupAsync(volume);
        var packs = Path.Combine(deployment.StorePath, "volumebackups", "packs");
        await Deployment.WaitUntilAsync(() => Task.FromResult(Directory.Exists(packs) && Directory.EnumerateFiles(packs, "*", SearchOption.AllDirectories).Any()));

        await broker.StopAsync();

        // The broker is down before the backup's closing volume calls: it has not written its manifest
        // (the last thing the engine writes, before TerminateConnection) and its volume is still reserved
        // (the release is the last volume call).
        var manifest = Path.Combine(deployment.StorePath, "volumebackups", "backups", backupId.ToString(), "metadata.json");
        Assert.False(File.Exists(manifest), "the backup had finished writing before the broker stopped: make it longer");
        Assert.Equal("backing-up", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());
        Assert.Equal("creating", (await deployment.BackupAsync(backupId)).GetProperty("status").GetString());

        // It ends with the broker still down: TerminateConnection and the release go to the volume service, not through RabbitMQ.
        await Deployment.WaitUntilAsync(async () => (await deployment.BackupAsync(backupId)).GetProperty("status").GetString() != "creating", seconds: 180);
        var backup = await deployment.BackupAsync(backupId);
        Assert.Equal("available", backup.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, backup.GetProperty("fail_reason").ValueKind);
        Assert.True(File.Exists(manifest));
        Assert.Equal("available", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());

        // And it restores once the broker is back (the restore command goes over the bus).
        await broker.RestartAsync();
        var target = await deployment.CreateVolumeAsync(1);
        await deployment.RestoreBackupAsync(backupId, target);
        await Deployment.WaitUntilAsync(async () => (await deployment.VolumeAsync(target)).GetProperty("status").GetString() != "restoring-backup", seconds: 180);
        Assert.Equal("available", (await deployment.VolumeAsync(target)).GetProperty("status").GetString());
        Assert.Equal("available", (await deployment.BackupAsync(backupId)).GetProperty("status").GetString());
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
        await Deployment.WaitUntilAsync(() => Task.FromResult(Directory.Exists(packs) && Directory.EnumerateFiles(packs, "*", SearchOption.AllDirectories).Any()));

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
