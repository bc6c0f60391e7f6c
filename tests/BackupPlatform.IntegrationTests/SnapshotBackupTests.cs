using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.IntegrationTests;

/// <summary>Backups of snapshots: the snapshot's data at its time, refusals for a snapshot of another volume.</summary>
public sealed class SnapshotBackupTests
{
    [Fact]
    public async Task A_backup_of_a_snapshot_holds_the_data_of_the_snapshot_and_a_snapshot_of_another_volume_is_refused()
    {
        await using var deployment = await Deployment.StartAsync();
        var volume = await deployment.CreateVolumeAsync(1);
        var then = new byte[16 * 1024 * 1024];
        new Random(41).NextBytes(then);
        await deployment.UploadAsync(volume, then);
        var snapshot = await SnapshotAsync(deployment, volume);

        // The volume moves on after the snapshot; the backup must hold the snapshot's bytes.
        var now = new byte[16 * 1024 * 1024];
        new Random(42).NextBytes(now);
        await deployment.UploadAsync(volume, now);

        var other = await deployment.CreateVolumeAsync(1);
        var mismatched = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = other, snapshot_id = snapshot } });
        Assert.Equal(HttpStatusCode.BadRequest, mismatched.StatusCode);
        Assert.Equal($"Invalid volume: Volume {other} does not match with snapshot.volume_id {volume}.", (await Deployment.ReadAsync(mismatched)).GetProperty("badRequest").GetProperty("message").GetString());
        var missing = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume, snapshot_id = Guid.NewGuid() } });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var created = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume, snapshot_id = snapshot } });
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var backupId = (await Deployment.ReadAsync(created)).GetProperty("backup").GetProperty("id").GetGuid();
        var backup = await deployment.WaitForBackupAsync(backupId, "creating");
        Assert.Equal("available", backup.GetProperty("status").GetString());
        Assert.Equal(snapshot, backup.GetProperty("snapshot_id").GetGuid());
        var snapshotView = (await Deployment.ReadAsync(await deployment.Volumes.GetAsync($"/v3/{Deployment.Project}/snapshots/{snapshot}"))).GetProperty("snapshot");
        Assert.Equal("available", snapshotView.GetProperty("status").GetString());
        Assert.Equal(snapshotView.GetProperty("created_at").GetString(), backup.GetProperty("data_timestamp").GetString());
        Assert.Equal("available", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());

        var target = await deployment.CreateVolumeAsync(1);
        await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups/{backupId}/restore", new { restore = new { volume_id = target } });
        Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "restoring")).GetProperty("status").GetString());
        Assert.True((await deployment.DownloadAsync(target)).AsSpan(0, then.Length).SequenceEqual(then), "the restore does not hold the snapshot's data");
    }

    [Fact]
    public async Task An_incremental_backup_of_a_snapshot_takes_the_latest_backup_older_than_the_snapshot_as_its_parent()
    {
        await using var deployment = await Deployment.StartAsync();
        var volume = await deployment.CreateVolumeAsync(1);
        var content = new byte[8 * 1024 * 1024];
        new Random(43).NextBytes(content);
        await deployment.UploadAsync(volume, content);

        // Cinder's example: a backup at 8:00, a snapshot at 8:10, a backup at 8:20; the incremental of the
        // snapshot must build on 8:00, since 8:20 holds data newer than the snapshot.
        var before = await CreateAsync(deployment, new { volume_id = volume });
        Assert.Equal("available", (await deployment.WaitForBackupAsync(before, "creating")).GetProperty("status").GetString());
        var snapshot = await SnapshotAsync(deployment, volume);
        content.AsSpan(0, 65536).Fill(7);
        await deployment.UploadAsync(volume, content);
        var after = await CreateAsync(deployment, new { volume_id = volume });
        Assert.Equal("available", (await deployment.WaitForBackupAsync(after, "creating")).GetProperty("status").GetString());

        var ofSnapshot = await CreateAsync(deployment, new { volume_id = volume, snapshot_id = snapshot, incremental = true });
        var child = await deployment.WaitForBackupAsync(ofSnapshot, "creating");
        Assert.Equal("available", child.GetProperty("status").GetString());
        Assert.True(child.GetProperty("is_incremental").GetBoolean());
        await using (var db = deployment.BackupDb())
        {
            Assert.Equal(before, db.Backups.Single(b => b.Id == ofSnapshot).ParentId);
            Assert.Equal(1, db.Backups.Single(b => b.Id == before).NumDependentBackups);
            Assert.Equal(0, db.Backups.Single(b => b.Id == after).NumDependentBackups);
        }

        // Of the volume itself, the latest backup is the parent, and it must be available: one still being
        // created (here: put back to creating as if it were) refuses the incremental, as Cinder does.
        await using (var db = deployment.BackupDb())
        {
            await db.Backups.Where(b => b.Id == ofSnapshot).ExecuteUpdateAsync(s => s.SetProperty(b => b.DataTimestamp, DateTime.UtcNow.AddHours(1)).SetProperty(b => b.Status, "creating"));
        }

        var refused = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume, incremental = true } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("Invalid backup: The parent backup must be available for incremental backup.", (await Deployment.ReadAsync(refused)).GetProperty("badRequest").GetProperty("message").GetString());
        Assert.Equal("available", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());
    }

    private static async Task<Guid> CreateAsync(Deployment deployment, object backup)
    {
        var response = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await Deployment.ReadAsync(response)).GetProperty("backup").GetProperty("id").GetGuid();
    }

    private static async Task<Guid> SnapshotAsync(Deployment deployment, Guid volume)
    {
        var response = await deployment.Volumes.PostAsJsonAsync($"/v3/{Deployment.Project}/snapshots", new { snapshot = new { volume_id = volume, name = "before" } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var snapshot = (await Deployment.ReadAsync(response)).GetProperty("snapshot");
        Assert.Equal("available", snapshot.GetProperty("status").GetString());
        return snapshot.GetProperty("id").GetGuid();
    }
}
