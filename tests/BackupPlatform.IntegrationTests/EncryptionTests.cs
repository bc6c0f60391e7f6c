using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using BackupPlatform.Worker;

namespace BackupPlatform.IntegrationTests;

/// <summary>Workers configured with an encryption key: what reaches the store, and who can read it back.</summary>
public sealed class EncryptionTests
{
    [Fact]
    public async Task A_worker_with_a_key_stores_no_readable_byte_of_the_volume_restores_it_and_a_deployment_without_the_key_refuses_its_import()
    {
        var store = Directory.CreateTempSubdirectory("bp-shared-store-").FullName;
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var marker = Encoding.ASCII.GetBytes("customer-ledger-entry account=4711 balance=1000.00\n");
        var content = new byte[16 * 1024 * 1024];
        for (var offset = 0; offset + marker.Length <= content.Length / 2; offset += marker.Length)
        {
            marker.CopyTo(content, offset);
        }

        new Random(31).NextBytes(content.AsSpan(content.Length / 2));
        string service, url;
        Guid backupId;

        // No compression, so that a plain store would hold the marker as it is.
        await using (var keyed = await Deployment.StartAsync(true, Deployment.StoreSetting + store, "--BackupPlatform:Engine:Compression=none", $"--BackupPlatform:Engine:Encryption:Key={key}"))
        {
            var volume = await keyed.CreateVolumeAsync(1);
            await keyed.UploadAsync(volume, content);
            backupId = await keyed.CreateBackupAsync(volume);
            Assert.Equal("available", (await keyed.WaitForBackupAsync(backupId, "creating")).GetProperty("status").GetString());

            var stored = Directory.GetFiles(store, "*", SearchOption.AllDirectories);
            Assert.NotEmpty(stored);
            Assert.DoesNotContain(stored, file => File.ReadAllBytes(file).AsSpan().IndexOf(marker.AsSpan(0, 32)) >= 0);

            var target = await keyed.CreateVolumeAsync(1);
            await keyed.RestoreBackupAsync(backupId, target);
            Assert.Equal("available", (await keyed.WaitForBackupAsync(backupId, "restoring")).GetProperty("status").GetString());
            var restored = await keyed.DownloadAsync(target);
            Assert.True(restored.AsSpan(0, content.Length).SequenceEqual(content), "restored bytes differ");

            var record = (await Deployment.ReadAsync(await keyed.AdminApi.GetAsync($"/v3/{Deployment.Project}/backups/{backupId}/export_record"))).GetProperty("backup-record");
            service = record.GetProperty("backup_service").GetString()!;
            url = record.GetProperty("backup_url").GetString()!;
        }

        // Another deployment on the same store, without the key: every pack is there, yet the backup is no use to it.
        await using var keyless = await Deployment.StartAsync(true, Deployment.StoreSetting + store);
        var body = new Dictionary<string, object> { ["backup-record"] = new { backup_service = service, backup_url = url } };
        Assert.Equal(HttpStatusCode.Created, (await keyless.AdminApi.PostAsJsonAsync($"/v3/{Deployment.Project}/backups/import_record", body)).StatusCode);
        var imported = await keyless.WaitForBackupAsync(backupId, "creating");
        Assert.Equal("error", imported.GetProperty("status").GetString());
        Assert.Contains("which this worker does not hold", imported.GetProperty("fail_reason").GetString(), StringComparison.Ordinal);
        Directory.Delete(store, recursive: true);
    }

    [Fact]
    public void A_worker_with_a_malformed_key_does_not_start_and_does_not_print_the_key()
    {
        const string Malformed = "c2hvcnQta2V5LW9mLTE2LWJ5dGVz";
        var failure = Assert.Throws<InvalidOperationException>(() => WorkerApp.Create([$"--BackupPlatform:Engine:Encryption:Key={Malformed}"]));

        Assert.Contains("BackupPlatform:Engine:Encryption:Key must be 32 random bytes in base64", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Malformed, failure.Message, StringComparison.Ordinal);
    }
}
