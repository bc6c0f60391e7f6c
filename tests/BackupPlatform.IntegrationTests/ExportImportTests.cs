using System.Net;
using System.Net.Http.Json;

namespace BackupPlatform.IntegrationTests;

/// <summary>Export-record and import-record: recovering from the loss of the database, and shipping a backup to another deployment.</summary>
public sealed class ExportImportTests
{
    [Fact]
    public async Task A_backup_exported_then_imported_into_an_empty_database_on_the_same_store_restores_identically()
    {
        var store = Directory.CreateTempSubdirectory("bp-shared-store-").FullName;
        var content = new byte[48 * 1024 * 1024];
        new Random(21).NextBytes(content);
        string service, url;
        Guid backupId;
        await using (var first = await Deployment.StartAsync(true, Deployment.StoreSetting + store))
        {
            var volume = await first.CreateVolumeAsync(1);
            await first.UploadAsync(volume, content);
            var created = await first.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume, name = "shipped" } });
            backupId = (await Deployment.ReadAsync(created)).GetProperty("backup").GetProperty("id").GetGuid();
            Assert.Equal("available", (await first.WaitForBackupAsync(backupId, "creating")).GetProperty("status").GetString());

            Assert.Equal(HttpStatusCode.Forbidden, (await first.Api.GetAsync($"/v3/{Deployment.Project}/backups/{backupId}/export_record")).StatusCode);
            var export = await first.AdminApi.GetAsync($"/v3/{Deployment.Project}/backups/{backupId}/export_record");
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
            var record = (await Deployment.ReadAsync(export)).GetProperty("backup-record");
            service = record.GetProperty("backup_service").GetString()!;
            url = record.GetProperty("backup_url").GetString()!;
            Assert.Equal("cinder.backup.drivers.posix", service);
        }

        // A second deployment: new database (migrations only), same store.
        await using var second = await Deployment.StartAsync(true, Deployment.StoreSetting + store);
        var body = new Dictionary<string, object> { ["backup-record"] = new { backup_service = service, backup_url = url } };
        Assert.Equal(HttpStatusCode.Forbidden, (await second.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups/import_record", body)).StatusCode);
        var import = await second.AdminApi.PostAsJsonAsync($"/v3/{Deployment.Project}/backups/import_record", body);
        Assert.Equal(HttpStatusCode.Created, import.StatusCode);
        Assert.Equal(backupId, (await Deployment.ReadAsync(import)).GetProperty("backup").GetProperty("id").GetGuid());
        var imported = await second.WaitForBackupAsync(backupId, "creating");
        Assert.Equal("available", imported.GetProperty("status").GetString());
        Assert.Equal("shipped", imported.GetProperty("name").GetString());

        var again = await second.AdminApi.PostAsJsonAsync($"/v3/{Deployment.Project}/backups/import_record", body);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal("Invalid backup: Backup already exists in database.", (await Deployment.ReadAsync(again)).GetProperty("badRequest").GetProperty("message").GetString());

        var target = await second.CreateVolumeAsync(1);
        await second.RestoreBackupAsync(backupId, target);
        Assert.Equal("available", (await second.WaitForBackupAsync(backupId, "restoring")).GetProperty("status").GetString());
        var restored = await second.DownloadAsync(target);
        Assert.True(restored.AsSpan(0, content.Length).SequenceEqual(content), "restored bytes differ");
        Assert.False(restored.AsSpan(content.Length).ContainsAnyExcept((byte)0));
        Directory.Delete(store, recursive: true);
    }

    [Fact]
    public async Task Importing_a_record_whose_chunks_are_gone_leaves_the_backup_in_error_saying_so()
    {
        var store = Directory.CreateTempSubdirectory("bp-shared-store-").FullName;
        await using var deployment = await Deployment.StartAsync(true, Deployment.StoreSetting + store);
        var volume = await deployment.CreateVolumeAsync(1);
        var content = new byte[16 * 1024 * 1024];
        new Random(22).NextBytes(content);
        await deployment.UploadAsync(volume, content);
        var created = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume } });
        var backupId = (await Deployment.ReadAsync(created)).GetProperty("backup").GetProperty("id").GetGuid();
        Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "creating")).GetProperty("status").GetString());
        var record = (await Deployment.ReadAsync(await deployment.AdminApi.GetAsync($"/v3/{Deployment.Project}/backups/{backupId}/export_record"))).GetProperty("backup-record");

        // Lose the row (delete removes index and manifest too, so remove only a pack and the row).
        await using (var db = deployment.BackupDb())
        {
            db.Backups.Remove(db.Backups.Single(b => b.Id == backupId));
            await db.SaveChangesAsync();
        }

        File.Delete(Directory.GetFiles(Path.Combine(store, "volumebackups", "packs"), "*", SearchOption.AllDirectories).Order().First());
        var import = await deployment.AdminApi.PostAsJsonAsync(
            $"/v3/{Deployment.Project}/backups/import_record",
            new Dictionary<string, object> { ["backup-record"] = new { backup_service = record.GetProperty("backup_service").GetString(), backup_url = record.GetProperty("backup_url").GetString() } });
        Assert.Equal(HttpStatusCode.Created, import.StatusCode);
        var backup = await deployment.WaitForBackupAsync(backupId, "creating");
        Assert.Equal("error", backup.GetProperty("status").GetString());
        Assert.StartsWith("Backup is damaged: 1 of 1 packs missing from the store, e.g. packs/", backup.GetProperty("fail_reason").GetString(), StringComparison.Ordinal);
        Directory.Delete(store, recursive: true);
    }
}
