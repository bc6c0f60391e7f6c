using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BackupPlatform.IntegrationTests;

/// <summary>
/// Migration from Cinder: backups made by real Cinder 21 (Debian's python3-cinder, its own BackupManager,
/// PosixBackupDriver and export_record: scripts/cinder-backups.py) are imported with Cinder's own record
/// and restored from Cinder's chunked objects where Cinder wrote them.
/// </summary>
public sealed class CinderFormatTests(CinderBackups cinder) : IClassFixture<CinderBackups>
{
    [Theory]
    [InlineData("zlib")]
    [InlineData("zstd")]
    public async Task A_full_backup_made_by_Cinder_imports_with_its_own_record_and_restores_byte_identically(string compression)
    {
        var full = cinder.Backup(compression, "full");
        await using var deployment = await Deployment.StartAsync(true, Deployment.StoreSetting + cinder.StoreWith(full));

        var imported = await ImportAsync(deployment, full);
        Assert.Equal("available", imported.GetProperty("status").GetString());
        Assert.Equal($"full-{compression}", imported.GetProperty("name").GetString());
        Assert.Equal(full.VolumeId, imported.GetProperty("volume_id").GetGuid());
        Assert.Equal(full.ObjectCount, imported.GetProperty("object_count").GetInt32());

        var target = await RestoreAsync(deployment, full.Id);
        Assert.Equal("available", (await deployment.VolumeAsync(target)).GetProperty("status").GetString());
        await AssertContentAsync(deployment, target, cinder.Image(full));
        var metadata = (await deployment.VolumeAsync(target)).GetProperty("metadata");
        Assert.Equal("migration", metadata.GetProperty("purpose").GetString());
        Assert.Equal(full.Id.ToString(), metadata.GetProperty("src_backup_id").GetString());
    }

    [Fact]
    public async Task An_incremental_backup_made_by_Cinder_restores_through_its_parent_and_is_read_only()
    {
        var full = cinder.Backup("zlib", "full");
        var incremental = cinder.Backup("zlib", "incremental");
        await using var deployment = await Deployment.StartAsync(true, Deployment.StoreSetting + cinder.StoreWith(full, incremental));

        // The child first: records come in any order, and the restore needs the parent only when it runs.
        Assert.Equal("available", (await ImportAsync(deployment, incremental)).GetProperty("status").GetString());
        Assert.Equal("available", (await ImportAsync(deployment, full)).GetProperty("status").GetString());
        Assert.True((await deployment.BackupAsync(incremental.Id)).GetProperty("is_incremental").GetBoolean());

        var target = await RestoreAsync(deployment, incremental.Id);
        await AssertContentAsync(deployment, target, cinder.Image(incremental));

        // Its parent is needed: a delete is refused while the incremental exists.
        var delete = await deployment.Api.DeleteAsync($"/v3/{Deployment.Project}/backups/{full.Id}");
        Assert.Equal(HttpStatusCode.BadRequest, delete.StatusCode);
        Assert.Contains("Incremental backups exist", (await Deployment.ReadAsync(delete)).GetProperty("badRequest").GetProperty("message").GetString(), StringComparison.Ordinal);

        // No incremental of ours on top of Cinder's: a volume whose latest backup is the imported one must get a full backup.
        var volume = await deployment.CreateVolumeAsync(1);
        await using (var db = deployment.BackupDb())
        {
            foreach (var row in db.Backups.Where(b => b.Id == full.Id || b.Id == incremental.Id))
            {
                row.VolumeId = volume;
            }

            await db.SaveChangesAsync();
        }

        var refused = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume, incremental = true } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains($"{incremental.Id}, was made by Cinder and imported", (await Deployment.ReadAsync(refused)).GetProperty("badRequest").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("available", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());

        // Deleting the entries unlists them and leaves Cinder's objects alone.
        Assert.Equal(HttpStatusCode.Accepted, (await deployment.Api.DeleteAsync($"/v3/{Deployment.Project}/backups/{incremental.Id}")).StatusCode);
        await Deployment.WaitUntilAsync(async () => (await deployment.Api.GetAsync($"/v3/{Deployment.Project}/backups/{incremental.Id}")).StatusCode == HttpStatusCode.NotFound, 600);
        Assert.Equal(incremental.ObjectCount + 2, Directory.GetFiles(Path.Combine(deployment.StorePath, incremental.Container)).Length);
    }

    [Fact]
    public async Task An_incremental_whose_parent_was_not_imported_fails_its_restore_saying_so()
    {
        var incremental = cinder.Backup("zlib", "incremental");
        await using var deployment = await Deployment.StartAsync(true, Deployment.StoreSetting + cinder.StoreWith(incremental));
        Assert.Equal("available", (await ImportAsync(deployment, incremental)).GetProperty("status").GetString());
        var (reason, _) = await FailedRestoreAsync(deployment, incremental.Id);
        Assert.EndsWith($"failed: Cinder backup {incremental.Id}'s parent {incremental.ParentId} is not in the catalogue: import its record first (cinder backup-import).", reason, StringComparison.Ordinal);
    }

    /// <summary>Object 1 of the zlib incremental is stored uncompressed (random data), so only its MD5 can tell.</summary>
    [Theory]
    [InlineData("zlib", "incremental", 1)]
    [InlineData("zlib", "full", 3)]
    [InlineData("zstd", "full", 1)]
    public async Task A_flipped_byte_in_one_Cinder_object_fails_the_restore_naming_that_object(string compression, string kind, int objectNumber)
    {
        var full = cinder.Backup(compression, "full");
        var restored = cinder.Backup(compression, kind);
        await using var deployment = await Deployment.StartAsync(true, Deployment.StoreSetting + cinder.StoreWith(full, restored));
        await ImportAsync(deployment, full);
        if (kind != "full")
        {
            await ImportAsync(deployment, restored);
        }

        var damaged = Path.Combine(deployment.StorePath, restored.Container, $"{restored.ObjectPrefix}-{objectNumber:D5}");
        FlipByte(damaged);
        var (reason, target) = await FailedRestoreAsync(deployment, restored.Id);
        Assert.Contains($"Cinder object {restored.ObjectPrefix}-{objectNumber:D5} failed ", reason, StringComparison.Ordinal);
        Assert.Equal("error_restoring", (await deployment.VolumeAsync(target)).GetProperty("status").GetString());
    }

    /// <summary>An object changed together with its MD5 in the metadata (as a mixed-up copy would be): only the SHA-256 per block catches it.</summary>
    [Fact]
    public async Task An_object_whose_metadata_was_changed_with_it_fails_the_check_against_the_sha256file()
    {
        var full = cinder.Backup("zlib", "full");
        var incremental = cinder.Backup("zlib", "incremental");
        await using var deployment = await Deployment.StartAsync(true, Deployment.StoreSetting + cinder.StoreWith(full, incremental));
        await ImportAsync(deployment, full);
        await ImportAsync(deployment, incremental);

        var name = $"{incremental.ObjectPrefix}-00001";
        var damaged = Path.Combine(deployment.StorePath, incremental.Container, name);
        FlipByte(damaged);
        var metadataPath = Path.Combine(deployment.StorePath, incremental.Container, $"{incremental.ObjectPrefix}_metadata");
        var metadata = JsonNode.Parse(await File.ReadAllTextAsync(metadataPath))!;
        var entry = metadata["objects"]!.AsArray().Select(o => o![name]).Single(o => o is not null)!;
        Assert.Equal("none", entry["compression"]!.GetValue<string>());
        using (var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5))
        {
            md5.AppendData(await File.ReadAllBytesAsync(damaged));
            entry["md5"] = Convert.ToHexStringLower(md5.GetHashAndReset());
        }

        await File.WriteAllTextAsync(metadataPath, metadata.ToJsonString());

        var (reason, _) = await FailedRestoreAsync(deployment, incremental.Id);
        Assert.Contains($"Cinder object {name} failed the SHA-256 check: the restored block at volume offset ", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_whose_objects_are_not_in_the_store_imports_as_error_naming_the_missing_object()
    {
        var full = cinder.Backup("zlib", "full");
        await using var deployment = await Deployment.StartAsync(true, Deployment.StoreSetting + cinder.StoreWith(full));
        var missing = Path.Combine(deployment.StorePath, full.Container, $"{full.ObjectPrefix}-00002");
        File.Delete(missing);
        var imported = await ImportAsync(deployment, full);
        Assert.Equal("error", imported.GetProperty("status").GetString());
        Assert.Equal($"Cinder object {full.ObjectPrefix}-00002 is missing from the store (container {full.Container})", imported.GetProperty("fail_reason").GetString());
    }

    /// <summary>Restores of 1 GiB read, check and write every byte: a longer wait than the deployment's default minute.</summary>
    private static async Task<JsonElement> WaitAsync(Deployment deployment, Guid backupId, string transitional)
    {
        JsonElement backup = default;
        await Deployment.WaitUntilAsync(
            async () =>
            {
                backup = await deployment.BackupAsync(backupId);
                return backup.GetProperty("status").GetString() != transitional;
            },
            600);
        return backup;
    }

    private static async Task<JsonElement> ImportAsync(Deployment deployment, CinderBackup backup)
    {
        var body = new Dictionary<string, object> { ["backup-record"] = backup.Record };
        var response = await deployment.AdminApi.PostAsJsonAsync($"/v3/{Deployment.Project}/backups/import_record", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(backup.Id, (await Deployment.ReadAsync(response)).GetProperty("backup").GetProperty("id").GetGuid());
        return await WaitAsync(deployment, backup.Id, "creating");
    }

    private static async Task<Guid> RestoreAsync(Deployment deployment, Guid backupId)
    {
        var target = await deployment.CreateVolumeAsync(1);
        await deployment.RestoreBackupAsync(backupId, target);
        var backup = await WaitAsync(deployment, backupId, "restoring");
        Assert.Equal("available", backup.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, backup.GetProperty("fail_reason").ValueKind);
        return target;
    }

    private static async Task<(string Reason, Guid Target)> FailedRestoreAsync(Deployment deployment, Guid backupId)
    {
        var target = await deployment.CreateVolumeAsync(1);
        await deployment.RestoreBackupAsync(backupId, target);
        var backup = await WaitAsync(deployment, backupId, "restoring");
        Assert.Equal("available", backup.GetProperty("status").GetString());
        var reason = backup.GetProperty("fail_reason").GetString();
        Assert.NotNull(reason);
        return (reason, target);
    }

    /// <summary>The restored volume against the image Cinder backed up, read side by side in pieces (both are 1 GiB).</summary>
    private static async Task AssertContentAsync(Deployment deployment, Guid volumeId, string image)
    {
        await using var restored = await deployment.Volumes.GetStreamAsync($"/v3/{Deployment.Project}/volumes/{volumeId}/content");
        await using var expected = File.OpenRead(image);
        var a = new byte[1024 * 1024];
        var b = new byte[a.Length];
        long offset = 0;
        while (true)
        {
            var n = await expected.ReadAtLeastAsync(a, a.Length, throwOnEndOfStream: false);
            var m = await restored.ReadAtLeastAsync(b, b.Length, throwOnEndOfStream: false);
            Assert.True(n == m, $"restored volume is {(m < n ? "shorter" : "longer")} than Cinder's image near offset {offset}");
            if (n == 0)
            {
                break;
            }

            var differs = a.AsSpan(0, n).CommonPrefixLength(b.AsSpan(0, n));
            Assert.True(differs == n, $"restored volume differs from Cinder's image at offset {offset + differs}");
            offset += n;
        }

        Assert.Equal(Deployment.GiB, offset);
    }

    private static void FlipByte(string path)
    {
        using var file = File.Open(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = file.Length / 2;
        var b = file.ReadByte();
        file.Position = file.Length / 2;
        file.WriteByte((byte)(b ^ 0x5A));
    }
}

/// <summary>One backup made by Cinder, as scripts/cinder-backups.py lists it in fixtures.json.</summary>
public sealed record CinderBackup(string Compression, string Kind, Guid Id, Guid? ParentId, Guid VolumeId, string Container, string ObjectPrefix, int ObjectCount, string ImageName, JsonElement Record);

/// <summary>
/// Runs scripts/cinder-backups.py once for the test class (about a minute on an idle machine: 4 backups of
/// a 1 GiB volume) unless BP_CINDER_FIXTURES names a directory it already wrote. Each test copies the
/// containers it needs into a store of its own, so damage stays in that test.
/// </summary>
public sealed class CinderBackups : IAsyncLifetime
{
    private readonly List<string> _stores = [];
    private string _root = null!;
    private bool _own;
    private List<CinderBackup> _backups = [];

    public async Task InitializeAsync()
    {
        _root = Environment.GetEnvironmentVariable("BP_CINDER_FIXTURES") ?? "";
        if (_root.Length == 0)
        {
            _own = true;
            _root = Directory.CreateTempSubdirectory("bp-cinder-backups-").FullName;
            var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "scripts", "cinder-backups.py"));
            start.ArgumentList.Add("--out");
            start.ArgumentList.Add(_root);
            start.ArgumentList.Add("--compressions");
            start.ArgumentList.Add("zlib,zstd");
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"scripts/cinder-backups.py failed (exit {process.ExitCode}; it needs Debian's python3-cinder, see scripts/install-deps.sh):\n{await output}\n{(await errors)[^Math.Min(4000, (await errors).Length)..]}");
            }
        }

        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_root, "fixtures.json")));
        _backups = document.RootElement.GetProperty("backups").EnumerateArray().Select(b => new CinderBackup(
            b.GetProperty("compression").GetString()!,
            b.GetProperty("kind").GetString()!,
            b.GetProperty("id").GetGuid(),
            b.GetProperty("parent_id").ValueKind == JsonValueKind.Null ? null : b.GetProperty("parent_id").GetGuid(),
            b.GetProperty("volume_id").GetGuid(),
            b.GetProperty("container").GetString()!,
            b.GetProperty("object_prefix").GetString()!,
            b.GetProperty("object_count").GetInt32(),
            b.GetProperty("image").GetString()!,
            b.GetProperty("record").Clone())).ToList();
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "BackupPlatform.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("BackupPlatform.sln not found above the test binaries.");
    }

    public CinderBackup Backup(string compression, string kind) => _backups.Single(b => b.Compression == compression && b.Kind == kind);

    public string Image(CinderBackup backup) => Path.Combine(_root, backup.ImageName);

    /// <summary>A new posix store holding copies of these backups' containers, laid out as Cinder's backup_posix_path.</summary>
    public string StoreWith(params CinderBackup[] backups)
    {
        var store = Directory.CreateTempSubdirectory("bp-cinder-store-").FullName;
        _stores.Add(store);
        foreach (var backup in backups.Distinct())
        {
            var from = Path.Combine(_root, "backups", backup.Container);
            var to = Path.Combine(store, backup.Container);
            Directory.CreateDirectory(to);
            foreach (var file in Directory.GetFiles(from))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            }
        }

        return store;
    }

    public Task DisposeAsync()
    {
        foreach (var store in _stores.Append(_own ? _root : null).OfType<string>())
        {
            try
            {
                Directory.Delete(store, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        return Task.CompletedTask;
    }
}
