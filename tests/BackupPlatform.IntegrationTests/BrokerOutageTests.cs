namespace BackupPlatform.IntegrationTests;

/// <summary>
/// RabbitMQ down for longer than ServiceDownTime: the scheduler hears no heartbeat from anyone, yet
/// the workers are alive and their work goes on; none of it may be failed over.
/// </summary>
[Collection(PrivateRabbitMq.Collection)]
public sealed class BrokerOutageTests
{
    private const int DataBytes = 192 * 1024 * 1024;

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
