using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using BackupPlatform.Contracts.Backup.V2;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace BackupPlatform.IntegrationTests;

/// <summary>Cinder's backup notifications, as a subscriber on the bus sees them.</summary>
public sealed class NotificationTests
{
    [Fact]
    public async Task Create_and_restore_publish_start_progress_and_end_notifications()
    {
        await using var deployment = await Deployment.StartAsync();
        var seen = new ConcurrentQueue<BackupNotification>();
        var bus = deployment.ApiHost.Services.GetRequiredService<IBus>();
        var subscription = bus.ConnectReceiveEndpoint("test-notifications", endpoint =>
            endpoint.Handler<BackupNotification>(context =>
            {
                seen.Enqueue(context.Message);
                return Task.CompletedTask;
            }));
        await subscription.Ready;

        var volume = await deployment.CreateVolumeAsync(1);
        var content = new byte[96 * 1024 * 1024];
        new Random(3).NextBytes(content);
        await deployment.UploadAsync(volume, content);
        var created = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume, name = "noted" } });
        var backupId = (await Deployment.ReadAsync(created)).GetProperty("backup").GetProperty("id").GetGuid();
        Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "creating")).GetProperty("status").GetString());
        var restore = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups/{backupId}/restore", new { restore = new { volume_id = await deployment.CreateVolumeAsync(1) } });
        Assert.Equal(HttpStatusCode.Accepted, restore.StatusCode);
        Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "restoring")).GetProperty("status").GetString());
        await Deployment.WaitUntilAsync(() => Task.FromResult(seen.Any(n => n.EventType == "backup.restore.end")), seconds: 30);

        var events = seen.Where(n => n.BackupId == backupId).ToList();
        var types = events.Select(n => n.EventType).Distinct().ToList();
        Assert.Equal(["backup.create.start", "backup.createprogress", "backup.create.end", "backup.restore.start", "backup.restoreprogress", "backup.restore.end"], types);
        var end = events.Single(n => n.EventType == "backup.create.end");
        Assert.Equal("available", end.Status);
        Assert.Equal(Deployment.Project, end.TenantId);
        Assert.Equal("noted", end.DisplayName);
        Assert.Equal(volume, end.VolumeId);
        Assert.Equal(Deployment.WorkerHost, end.Host);
        Assert.Equal(1, end.Size);
        Assert.All(events.Where(n => n.EventType.EndsWith("progress", StringComparison.Ordinal)), n => Assert.InRange(n.Percent ?? -1, 10, 90));
    }
}
