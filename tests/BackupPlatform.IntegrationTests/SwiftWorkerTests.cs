using System.Net;
using System.Net.Http.Json;

namespace BackupPlatform.IntegrationTests;

/// <summary>A worker writing to OpenStack Swift (the real one scripts/infra.sh starts), and a Swift that goes away.</summary>
public sealed class SwiftWorkerTests
{
    [Fact]
    public async Task Backups_go_to_swift_and_a_swift_that_stays_down_fails_the_backup_with_its_error_and_frees_the_volume()
    {
        var proxy = new TcpProxy(SwiftServer.Port);
        await using var deployment = await Deployment.StartAsync(withWorker: false);
        await deployment.StartWorkerAsync(Deployment.WorkerHost, "nova", SwiftServer.WorkerArgs(proxy.Port, $"bp-{Guid.NewGuid():N}", retryAttempts: 2));

        var volume = await deployment.CreateVolumeAsync(1);
        var content = new byte[20 * 1024 * 1024];
        new Random(51).NextBytes(content);
        await deployment.UploadAsync(volume, content);
        var first = await CreateAsync(deployment, volume);
        var backup = await deployment.WaitForBackupAsync(first, "creating");
        Assert.Equal("available", backup.GetProperty("status").GetString());
        var target = await deployment.CreateVolumeAsync(1);
        await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups/{first}/restore", new { restore = new { volume_id = target } });
        Assert.Equal("available", (await deployment.WaitForBackupAsync(first, "restoring")).GetProperty("status").GetString());
        Assert.True((await deployment.DownloadAsync(target)).AsSpan(0, content.Length).SequenceEqual(content), "bytes restored from Swift differ");

        // Swift goes away for good: new data must be uploaded, and cannot be.
        await proxy.DisposeAsync();
        new Random(52).NextBytes(content);
        await deployment.UploadAsync(volume, content);
        var second = await CreateAsync(deployment, volume);
        backup = await deployment.WaitForBackupAsync(second, "creating");
        Assert.Equal("error", backup.GetProperty("status").GetString());
        Assert.Contains("127.0.0.1", backup.GetProperty("fail_reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("available", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());
    }

    private static async Task<Guid> CreateAsync(Deployment deployment, Guid volume)
    {
        var response = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await Deployment.ReadAsync(response)).GetProperty("backup").GetProperty("id").GetGuid();
    }
}
