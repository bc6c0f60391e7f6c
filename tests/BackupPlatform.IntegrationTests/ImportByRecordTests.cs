using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using BackupPlatform.Storage.Engine;
using BackupPlatform.Storage.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace BackupPlatform.IntegrationTests;

/// <summary>
/// Import finds the data by the record (its service_metadata and container), not by its id: tempest's
/// export / change id / import, and the guarantees of a second catalogue entry over the same stored data.
/// </summary>
public sealed class ImportByRecordTests
{
    private const string Container = "volumebackups";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_record_imported_under_a_new_id_restores_and_outlives_the_other_entry_and_garbage_collection_frees_the_data_only_when_both_are_gone(bool deleteOriginalFirst)
    {
        await using var deployment = await Deployment.StartAsync();
        var content = new byte[24 * 1024 * 1024];
        new Random(deleteOriginalFirst ? 31 : 32).NextBytes(content);
        var volume = await deployment.CreateVolumeAsync(1);
        await deployment.UploadAsync(volume, content);
        var original = await deployment.CreateBackupAsync(volume);
        Assert.Equal("available", (await deployment.WaitForBackupAsync(original, "creating")).GetProperty("status").GetString());

        // As tempest's test_volume_backup_export_import: export, give the record a new id, import it.
        var record = (await Deployment.ReadAsync(await deployment.AdminApi.GetAsync($"/v3/{Deployment.Project}/backups/{original}/export_record"))).GetProperty("backup-record");
        var copy = Guid.NewGuid();
        var imported = await deployment.AdminApi.PostAsJsonAsync($"/v3/{Deployment.Project}/backups/import_record", new Dictionary<string, object>
        {
            ["backup-record"] = new { backup_service = record.GetProperty("backup_service").GetString(), backup_url = WithId(record.GetProperty("backup_url").GetString()!, copy) },
        });
        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        Assert.Equal(copy, (await Deployment.ReadAsync(imported)).GetProperty("backup").GetProperty("id").GetGuid());
        var copyView = await deployment.WaitForBackupAsync(copy, "creating");
        Assert.True(copyView.GetProperty("status").GetString() == "available", copyView.GetProperty("fail_reason").ToString());
        Assert.Equal(volume, copyView.GetProperty("volume_id").GetGuid());
        await AssertRestoresAsync(deployment, copy, content);
        var packs = Packs(deployment);
        Assert.NotEmpty(packs);

        var (first, second) = deleteOriginalFirst ? (original, copy) : (copy, original);
        await DeleteAsync(deployment, first);
        var collected = await CollectAsync(deployment);
        Assert.Equal(0, collected.Deleted);
        Assert.Equal(packs, Packs(deployment));
        await AssertRestoresAsync(deployment, second, content);

        await DeleteAsync(deployment, second);
        collected = await CollectAsync(deployment);
        Assert.Equal(packs.Count, collected.Deleted);
        Assert.Empty(Packs(deployment));
    }

    [Fact]
    public async Task A_record_under_a_new_id_imports_into_another_deployment_on_the_same_store_and_each_deployment_keeps_its_own_backup()
    {
        var store = Directory.CreateTempSubdirectory("bp-shared-store-").FullName;
        var content = new byte[8 * 1024 * 1024];
        new Random(33).NextBytes(content);
        await using var first = await Deployment.StartAsync(true, Deployment.StoreSetting + store);
        var volume = await first.CreateVolumeAsync(1);
        await first.UploadAsync(volume, content);
        var original = await first.CreateBackupAsync(volume);
        Assert.Equal("available", (await first.WaitForBackupAsync(original, "creating")).GetProperty("status").GetString());
        var record = (await Deployment.ReadAsync(await first.AdminApi.GetAsync($"/v3/{Deployment.Project}/backups/{original}/export_record"))).GetProperty("backup-record");

        await using var second = await Deployment.StartAsync(true, Deployment.StoreSetting + store);
        var shipped = Guid.NewGuid();
        var imported = await second.AdminApi.PostAsJsonAsync($"/v3/{Deployment.Project}/backups/import_record", new Dictionary<string, object>
        {
            ["backup-record"] = new { backup_service = record.GetProperty("backup_service").GetString(), backup_url = WithId(record.GetProperty("backup_url").GetString()!, shipped) },
        });
        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        Assert.Equal("available", (await second.WaitForBackupAsync(shipped, "creating")).GetProperty("status").GetString());

        // The first deployment deletes its backup: the shipped one still restores in the second.
        await DeleteAsync(first, original);
        await AssertRestoresAsync(second, shipped, content);
        Directory.Delete(store, recursive: true);
    }

    private static string WithId(string backupUrl, Guid id)
    {
        var record = JsonNode.Parse(Convert.FromBase64String(backupUrl))!.AsObject();
        record["id"] = id.ToString();
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(record.ToJsonString()));
    }

    private static async Task AssertRestoresAsync(Deployment deployment, Guid backupId, byte[] content)
    {
        var target = await deployment.CreateVolumeAsync(1);
        await deployment.RestoreBackupAsync(backupId, target);
        var backup = await deployment.WaitForBackupAsync(backupId, "restoring");
        Assert.True(backup.GetProperty("fail_reason").ValueKind == System.Text.Json.JsonValueKind.Null, backup.GetProperty("fail_reason").ToString());
        Assert.Equal("available", (await deployment.VolumeAsync(target)).GetProperty("status").GetString());
        var restored = await deployment.DownloadAsync(target);
        Assert.True(restored.AsSpan(0, content.Length).SequenceEqual(content), $"backup {backupId} restored other bytes");
        Assert.False(restored.AsSpan(content.Length).ContainsAnyExcept((byte)0));
    }

    private static async Task DeleteAsync(Deployment deployment, Guid backupId)
    {
        Assert.Equal(HttpStatusCode.Accepted, (await deployment.Api.DeleteAsync($"/v3/{Deployment.Project}/backups/{backupId}")).StatusCode);
        await Deployment.WaitUntilAsync(async () => (await deployment.Api.GetAsync($"/v3/{Deployment.Project}/backups/{backupId}")).StatusCode == HttpStatusCode.NotFound);
    }

    /// <summary>One pass with no grace (the posix store's listings are consistent), as the worker's schedule runs it.</summary>
    private static Task<GarbageCollection> CollectAsync(Deployment deployment)
    {
        var services = deployment.Worker!.Services;
        return new GarbageCollector(services.GetRequiredService<IObjectStore>(), services.GetRequiredService<EngineOptions>())
            .CollectAsync(Container, TimeSpan.Zero, TimeSpan.FromDays(2), CancellationToken.None);
    }

    private static List<string> Packs(Deployment deployment)
    {
        var packs = Path.Combine(deployment.StorePath, Container, "packs");
        return Directory.Exists(packs) ? Directory.GetFiles(packs, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList() : [];
    }
}
