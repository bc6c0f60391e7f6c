using System.Net;
using System.Net.Http.Json;

namespace BackupPlatform.IntegrationTests;

/// <summary>The volume's metadata travels with the backup in a versioned container and comes back on restore.</summary>
public sealed class VolumeMetadataTests
{
    [Fact]
    public async Task A_restore_to_a_new_volume_puts_back_the_source_metadata_and_names_the_backup()
    {
        await using var deployment = await Deployment.StartAsync();
        var source = await CreateVolumeWithMetadataAsync(deployment);
        var backupId = await BackUpAsync(deployment, source);

        var restore = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups/{backupId}/restore", new { restore = new { name = "from-backup" } });
        Assert.Equal(HttpStatusCode.Accepted, restore.StatusCode);
        var answer = (await Deployment.ReadAsync(restore)).GetProperty("restore");
        Assert.Equal("from-backup", answer.GetProperty("volume_name").GetString());
        var target = answer.GetProperty("volume_id").GetGuid();
        Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "restoring")).GetProperty("status").GetString());

        var volume = await deployment.VolumeAsync(target);
        Assert.Equal("available", volume.GetProperty("status").GetString());
        Assert.Equal(1, volume.GetProperty("size").GetInt32());
        var metadata = volume.GetProperty("metadata");
        Assert.Equal("gold", metadata.GetProperty("tier").GetString());
        Assert.Equal(backupId.ToString(), metadata.GetProperty("src_backup_id").GetString());
    }

    [Fact]
    public async Task A_metadata_container_of_an_unknown_version_fails_the_restore_clearly()
    {
        await using var deployment = await Deployment.StartAsync();
        var backupId = await BackUpAsync(deployment, await CreateVolumeWithMetadataAsync(deployment));
        var manifest = Path.Combine(deployment.StorePath, "volumebackups", "backups", backupId.ToString(), "metadata.json");
        var text = await File.ReadAllTextAsync(manifest);
        Assert.Contains("\\u0022version\\u0022:2", text, StringComparison.Ordinal);
        await File.WriteAllTextAsync(manifest, text.Replace("\\u0022version\\u0022:2", "\\u0022version\\u0022:9", StringComparison.Ordinal));

        var target = await deployment.CreateVolumeAsync(1);
        var restore = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups/{backupId}/restore", new { restore = new { volume_id = target } });
        Assert.Equal(HttpStatusCode.Accepted, restore.StatusCode);
        var backup = await deployment.WaitForBackupAsync(backupId, "restoring");
        Assert.Contains("container version 9, which this version cannot restore", backup.GetProperty("fail_reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("error_restoring", (await deployment.VolumeAsync(target)).GetProperty("status").GetString());
    }

    private static async Task<Guid> CreateVolumeWithMetadataAsync(Deployment deployment)
    {
        var response = await deployment.Volumes.PostAsJsonAsync($"/v3/{Deployment.Project}/volumes", new { volume = new { size = 1, name = "meta", metadata = new Dictionary<string, string> { ["tier"] = "gold" } } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await Deployment.ReadAsync(response)).GetProperty("volume").GetProperty("id").GetGuid();
    }

    private static async Task<Guid> BackUpAsync(Deployment deployment, Guid volume)
    {
        var created = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume } });
        var backupId = (await Deployment.ReadAsync(created)).GetProperty("backup").GetProperty("id").GetGuid();
        Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "creating")).GetProperty("status").GetString());
        return backupId;
    }
}
