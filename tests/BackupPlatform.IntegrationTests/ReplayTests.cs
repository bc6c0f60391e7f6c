using System.Net;
using System.Net.Http.Json;
using BackupPlatform.Contracts.Backup.V2;
using BackupPlatform.Hosting;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackupPlatform.IntegrationTests;

/// <summary>Commands are idempotent: delivered again, during or after the work, they start nothing new.</summary>
public sealed class ReplayTests
{
    [Fact]
    public async Task The_same_create_command_delivered_three_times_yields_one_backup()
    {
        await using var deployment = await Deployment.StartAsync();
        var volume = await deployment.CreateVolumeAsync(1);
        var content = new byte[64 * 1024 * 1024];
        new Random(7).NextBytes(content);
        await deployment.UploadAsync(volume, content);
        var response = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var backupId = (await Deployment.ReadAsync(response)).GetProperty("backup").GetProperty("id").GetGuid();

        // Two more deliveries straight to the worker while the first may still run, and a third after it finished.
        var bus = deployment.ApiHost.Services.GetRequiredService<IBus>();
        var worker = await bus.GetSendEndpoint(QueueNames.Address(QueueNames.Worker(Deployment.WorkerHost)));
        var command = new CreateBackup { BackupId = backupId, VolumeId = volume, AvailabilityZone = "nova", Host = Deployment.WorkerHost };
        await worker.Send(command);
        await worker.Send(command);
        Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "creating")).GetProperty("status").GetString());
        var manifest = Path.Combine(deployment.StorePath, "volumebackups", "backups", backupId.ToString(), "metadata.json");
        var written = File.GetLastWriteTimeUtc(manifest);
        await worker.Send(command);
        await Task.Delay(TimeSpan.FromSeconds(3));

        var backup = await deployment.BackupAsync(backupId);
        Assert.Equal("available", backup.GetProperty("status").GetString());
        Assert.Equal(JsonNull, backup.GetProperty("fail_reason").ValueKind);
        Assert.Equal("available", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());
        Assert.Equal(written, File.GetLastWriteTimeUtc(manifest));
        await using var db = deployment.BackupDb();
        Assert.Equal(1, await db.Backups.CountAsync(b => b.VolumeId == volume));
        Assert.Single(Directory.GetDirectories(Path.Combine(deployment.StorePath, "volumebackups", "backups")));
    }

    private const System.Text.Json.JsonValueKind JsonNull = System.Text.Json.JsonValueKind.Null;
}
