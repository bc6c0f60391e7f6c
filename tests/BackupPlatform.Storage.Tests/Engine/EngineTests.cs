using System.Text;
using BackupPlatform.Storage.Engine;
using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Storage.Tests.Engine;

/// <summary>
/// The engine end to end against a real store, once per driver: backup and restore, dedup, delete and
/// garbage collection. Each test has its own container and empties it afterwards.
/// </summary>
public abstract partial class EngineTests : IAsyncLifetime
{
    private readonly List<string> _files = [];
    private readonly List<string> _containers = [];
    private IObjectStore? _store;

    protected static CancellationToken None => CancellationToken.None;

    protected string Container { get; } = $"bpe-{Guid.NewGuid():N}"[..30];

    protected IObjectStore Store => _store ??= CreateStore();

    /// <summary>Small packs, so that a few MiB of test volume spread over several.</summary>
    protected static EngineOptions Options(string compression = "zstd") => new() { Compression = compression, PackSize = 1024 * 1024, ReadSize = 1024 * 1024 };

    protected abstract IObjectStore CreateStore();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var file in _files)
        {
            File.Delete(file);
        }

        if (_store is not null)
        {
            foreach (var container in _containers.Prepend(Container))
            {
                await foreach (var name in _store.ListAsync(container, "", None))
                {
                    await _store.DeleteAsync(container, name, None);
                }
            }

            (_store as IDisposable)?.Dispose();
        }
    }

    [Theory]
    [InlineData("none")]
    [InlineData("zlib")]
    [InlineData("bz2")]
    [InlineData("zstd")]
    public async Task A_volume_of_zeros_random_and_text_restores_byte_identical(string compression)
    {
        var volume = TestVolumes.Mixed(6, seed: 1);

        var result = await BackupAsync(volume, Options(compression));

        Assert.Equal((volume.Length + TestVolumes.Chunk - 1) / TestVolumes.Chunk, result.ChunkCount);
        Assert.Equal((2 * 16) + 1, result.ZeroChunks); // Regions 0 and 3, and the short tail (region 6).
        Assert.True(result.BytesUploaded < volume.Length * (compression == "none" ? 0.7 : 0.5), $"{result.BytesUploaded} bytes uploaded for {compression}");
        Assert.Equal(volume, await RestoreAsync(result.BackupId, volume.Length, targetIsNew: true));

        // Onto a used volume the zero regions must be written, not skipped.
        Assert.Equal(volume, await RestoreAsync(result.BackupId, volume.Length, targetIsNew: false, fill: 0x5A));
    }

    [Fact]
    public async Task An_incremental_after_a_two_percent_scattered_change_stores_under_five_percent_of_the_full()
    {
        var volume = TestVolumes.Mixed(16, seed: 2);
        var changed = TestVolumes.Mutated(volume, 0.02, seed: 3);

        var full = await BackupAsync(volume, Options());
        var incremental = await BackupAsync(changed, Options());

        Assert.True(incremental.BytesUploaded < full.BytesUploaded * 0.05, $"incremental uploaded {incremental.BytesUploaded} bytes, the full {full.BytesUploaded}");
        Assert.Equal(changed, await RestoreAsync(incremental.BackupId, changed.Length, targetIsNew: true));
        Assert.Equal(volume, await RestoreAsync(full.BackupId, volume.Length, targetIsNew: true));
    }

    [Fact]
    public async Task Two_identical_volumes_store_their_chunks_once()
    {
        var volume = TestVolumes.Mixed(4, seed: 4);

        var first = await BackupAsync(volume, Options());
        var second = await BackupAsync(volume, Options());

        Assert.Equal(first.ChunkCount - first.ZeroChunks, second.DedupedChunks);
        Assert.Equal(2, second.ObjectsWritten); // One index segment and the manifest: no pack.
        Assert.Equal(volume, await RestoreAsync(second.BackupId, volume.Length, targetIsNew: true));
    }

    [Fact]
    public async Task Deleting_a_full_leaves_its_incremental_restorable_and_garbage_collection_frees_the_rest()
    {
        var volume = TestVolumes.Mixed(6, seed: 5);
        var changed = (byte[])volume.Clone();
        new Random(6).NextBytes(changed.AsSpan(volume.Length / 2)); // The second half rewritten: packs only the full needs.
        var full = await BackupAsync(volume, Options());
        var incremental = await BackupAsync(changed, Options());
        var writer = new BackupWriter(Store, Options());
        var collector = new GarbageCollector(Store, Options());

        await writer.DeleteAsync(Container, full.BackupId, None);
        var first = await collector.CollectAsync(Container, TimeSpan.Zero, TimeSpan.FromHours(1), None);

        Assert.Equal(1, first.Backups);
        Assert.True(first.Deleted > 0, $"nothing collected: {first}");
        Assert.Equal(first.Packs - first.Deleted, first.ReferencedPacks);
        Assert.Equal(changed, await RestoreAsync(incremental.BackupId, changed.Length, targetIsNew: true));

        await writer.DeleteAsync(Container, incremental.BackupId, None);
        var second = await collector.CollectAsync(Container, TimeSpan.Zero, TimeSpan.FromHours(1), None);

        Assert.Equal(second.Packs, second.Deleted);
        Assert.Equal([StoreLayout.NamingKeyPrefix], (await ListAsync("")).Select(name => name[..StoreLayout.NamingKeyPrefix.Length])); // The naming key is kept.
    }

    [Fact]
    public async Task Garbage_collection_and_dedup_pass_over_objects_under_the_layout_prefixes_that_are_no_packs()
    {
        // What a backup once written with the container "<container>/packs/zz" left inside this one (issue 12).
        var foreign = new[] { "packs/zz/backups/x/metadata.json", "packs/zz/packs/ab/0123", "packs/ab/not-a-pack", "index/zz/foo", "gc/condemned/nope" };
        await Store.EnsureContainerAsync(Container, None);
        foreach (var name in foreign)
        {
            await Store.PutAsync(Container, name, new byte[] { 1 }, None);
        }

        var volume = TestVolumes.Mixed(2, seed: 21);
        var kept = await BackupAsync(volume, Options());
        var again = await BackupAsync(volume, Options()); // Dedup loads the container's pack indexes past the foreign names.
        Assert.Equal(again.ChunkCount - again.ZeroChunks, again.DedupedChunks);

        var collected = await new GarbageCollector(Store, Options()).CollectAsync(Container, TimeSpan.Zero, TimeSpan.FromHours(1), None);
        Assert.Equal(2, collected.Backups);
        Assert.Equal(collected.ReferencedPacks, collected.Packs);
        Assert.Equal(0, collected.Deleted);
        foreach (var name in foreign)
        {
            Assert.True(await Store.ExistsAsync(Container, name, None), name);
        }

        Assert.Equal(volume, await RestoreAsync(kept.BackupId, volume.Length, targetIsNew: true));
    }

    [Fact]
    public async Task Garbage_collection_keeps_unreferenced_packs_while_a_backup_that_began_before_is_running()
    {
        var volume = TestVolumes.Mixed(3, seed: 7);
        var full = await BackupAsync(volume, Options());
        await new BackupWriter(Store, Options()).DeleteAsync(Container, full.BackupId, None);

        // A backup that began a moment ago, may have read the dedup table, and has not written its index yet.
        var running = Guid.NewGuid();
        await Store.PutAsync(Container, StoreLayout.Lock(running), System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new BackupLock(running, DateTime.UtcNow.AddSeconds(-1))), None);
        var collector = new GarbageCollector(Store, Options());
        var blocked = await collector.CollectAsync(Container, TimeSpan.Zero, TimeSpan.FromHours(1), None);

        Assert.Equal(0, blocked.Deleted);
        Assert.Equal(blocked.Packs, blocked.WaitingForGraceOrBackups);

        // Condemned packs are left out of new backups' dedup: the same data is stored again, not referenced.
        var again = await BackupAsync(volume, Options());
        Assert.Equal(0, again.DedupedChunks);

        await Store.DeleteAsync(Container, StoreLayout.Lock(running), None);
        var freed = await collector.CollectAsync(Container, TimeSpan.Zero, TimeSpan.FromHours(1), None);
        Assert.Equal(blocked.Packs, freed.Deleted);
        Assert.Equal(volume, await RestoreAsync(again.BackupId, volume.Length, targetIsNew: true));
    }

    [Fact]
    public async Task With_a_dedup_table_too_small_for_the_container_an_incremental_still_stores_only_the_change_by_following_its_parent()
    {
        var volume = TestVolumes.Mixed(16, seed: 9);
        var changed = TestVolumes.Mutated(volume, 0.02, seed: 10);
        var options = Options();
        options.DedupTableEntries = 4;

        var full = await BackupAsync(volume, options);
        var unrelated = await BackupAsync(changed, options);
        var incremental = await BackupAsync(changed, options, parent: full.BackupId);

        // Without its parent the table (3 entries for stored chunks) finds almost nothing.
        Assert.True(unrelated.BytesUploaded > full.BytesUploaded * 0.5, $"a backup without parent uploaded {unrelated.BytesUploaded} bytes, the full {full.BytesUploaded}");
        Assert.True(incremental.BytesUploaded < full.BytesUploaded * 0.05, $"incremental uploaded {incremental.BytesUploaded} bytes, the full {full.BytesUploaded}");
        Assert.Equal(changed, await RestoreAsync(incremental.BackupId, changed.Length, targetIsNew: true));
    }

    [Fact]
    public async Task An_incremental_never_references_a_parent_pack_that_garbage_collection_condemned()
    {
        var volume = TestVolumes.Mixed(3, seed: 11);
        var full = await BackupAsync(volume, Options());
        foreach (var pack in await ListAsync(StoreLayout.PackPrefix))
        {
            await Store.PutAsync(Container, StoreLayout.Condemned(StoreLayout.ParsePackId(pack)), "{}"u8.ToArray(), None);
        }

        var incremental = await BackupAsync(volume, Options(), parent: full.BackupId);

        Assert.Equal(0, incremental.DedupedChunks);
        Assert.Equal(volume, await RestoreAsync(incremental.BackupId, volume.Length, targetIsNew: true));
    }

    [Fact]
    public async Task A_parent_whose_index_is_damaged_is_left_and_the_incremental_is_whole_and_says_why()
    {
        var volume = TestVolumes.Mixed(3, seed: 12);
        var options = Options();
        options.IndexSegmentEntries = 8;
        var full = await BackupAsync(volume, options);
        await Store.PutAsync(Container, StoreLayout.IndexSegment(full.BackupId, 1), "damaged"u8.ToArray(), None);

        var incremental = await BackupAsync(volume, options, parent: full.BackupId);

        Assert.Contains("does not match its manifest's checksum", incremental.ParentUnreadable);
        Assert.Equal(volume, await RestoreAsync(incremental.BackupId, volume.Length, targetIsNew: true));
    }

    [Fact]
    public async Task An_index_segment_limit_splits_the_index_and_restore_reads_every_segment()
    {
        var volume = TestVolumes.Mixed(2, seed: 8);
        var options = Options();
        options.IndexSegmentEntries = 5;

        var result = await BackupAsync(volume, options);

        var manifest = await new BackupRestorer(Store, options).ReadManifestAsync(Container, result.BackupId, None);
        Assert.Equal((int)Math.Ceiling(result.ChunkCount / 5.0), manifest.IndexSegments.Count);
        Assert.Equal(volume, await RestoreAsync(result.BackupId, volume.Length, targetIsNew: true));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("zstd")]
    public async Task An_encrypted_backup_restores_byte_identical_and_the_store_holds_neither_its_text_nor_its_chunks_hashes(string compression)
    {
        var volume = TestVolumes.Mixed(6, seed: 21);
        var options = Encrypted(Key(), compression);
        var text = volume.AsSpan((2 * 1048576) + 4096, 64).ToArray(); // Inside the first text region.
        var plainHash = System.Security.Cryptography.SHA256.HashData(volume.AsSpan(1048576, TestVolumes.Chunk)); // The first random region's first chunk.

        var result = await BackupAsync(volume, options, volumeMetadata: "{\"volume-name\": \"payroll-db\"}");

        Assert.Equal(volume, await RestoreAsync(result.BackupId, volume.Length, targetIsNew: true, options: options));
        Assert.Equal(volume, await RestoreAsync(result.BackupId, volume.Length, targetIsNew: false, fill: 0x5A, options: options));
        var restorer = new BackupRestorer(Store, options);
        var manifest = await restorer.ReadManifestAsync(Container, result.BackupId, None);
        Assert.Equal(options.Encryption.Current!.KeyId, manifest.Encryption?.KeyId);
        Assert.DoesNotContain("payroll", manifest.VolumeMetadata, StringComparison.Ordinal);
        Assert.Equal("{\"volume-name\": \"payroll-db\"}", restorer.ReadVolumeMetadata(manifest));
        var stored = await AllObjectsAsync();
        Assert.False(Contains(stored, text), "the volume's text is readable in the store");
        Assert.False(Contains(stored, plainHash) || Contains(stored, Encoding.ASCII.GetBytes(Convert.ToHexStringLower(plainHash))), "a chunk's plain SHA-256 is in the store");

        // The same search finds both in a backup stored plain (its names under the container's key): it can fail.
        await BackupAsync(volume, Options(compression));
        stored = await AllObjectsAsync();
        var keyName = (await ListAsync(StoreLayout.NamingKeyPrefix)).Single();
        var plainName = new byte[ChunkHash.Size];
        ChunkNaming.ForProject(await Store.GetAsync(Container, keyName, None), "project").Name(volume.AsSpan(1048576, TestVolumes.Chunk)).Write(plainName);
        Assert.True(Contains(stored, plainName), "the plain backup's chunk names not found");
        Assert.Equal(compression == "none", Contains(stored, text));
    }

    [Fact]
    public async Task An_encrypted_backup_needs_its_key_a_previous_key_restores_it_and_another_key_shares_no_chunk_with_it()
    {
        var volume = TestVolumes.Mixed(3, seed: 22);
        string first = Key(), second = Key();
        var sealedFirst = await BackupAsync(volume, Encrypted(first), volumeMetadata: "{}");
        var keyId = Encrypted(first).Encryption.Current!.KeyId;

        foreach (var without in (EngineOptions[])[Options(), Encrypted(second)])
        {
            var refused = await Assert.ThrowsAsync<InvalidDataException>(() => RestoreAsync(sealedFirst.BackupId, volume.Length, targetIsNew: false, fill: 0x5A, options: without));
            Assert.Contains($"encrypted with key {keyId}, which this worker does not hold", refused.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<InvalidDataException>(() => new BackupRestorer(Store, without).VerifyAsync(Container, sealedFirst.BackupId, None));
        }

        // Rotated: new backups under the second key, the first still restores through PreviousKeys.
        var rotated = Encrypted(second);
        rotated.Encryption.PreviousKeys.Add(first);
        Assert.Equal(volume, await RestoreAsync(sealedFirst.BackupId, volume.Length, targetIsNew: true, options: rotated));
        Assert.Empty((await new BackupRestorer(Store, rotated).VerifyAsync(Container, sealedFirst.BackupId, None)).Missing);

        // Chunk names differ per key: nothing sealed under the first key is referenced by a backup under the second, even its incremental.
        var sealedSecond = await BackupAsync(volume, rotated, parent: sealedFirst.BackupId);
        Assert.Equal(0, sealedSecond.DedupedChunks);
        var again = await BackupAsync(volume, rotated, parent: sealedSecond.BackupId);
        Assert.Equal(sealedSecond.ChunkCount - sealedSecond.ZeroChunks, again.DedupedChunks);
        Assert.Equal(volume, await RestoreAsync(again.BackupId, volume.Length, targetIsNew: true, options: Encrypted(second)));
    }

    [Fact]
    public async Task An_encrypted_incremental_after_a_two_percent_change_stores_under_five_percent_of_the_full()
    {
        var volume = TestVolumes.Mixed(16, seed: 23);
        var changed = TestVolumes.Mutated(volume, 0.02, seed: 24);
        var options = Encrypted(Key());

        var full = await BackupAsync(volume, options);
        var incremental = await BackupAsync(changed, options, parent: full.BackupId);

        Assert.True(incremental.BytesUploaded < full.BytesUploaded * 0.05, $"incremental uploaded {incremental.BytesUploaded} bytes, the full {full.BytesUploaded}");
        Assert.Equal(changed, await RestoreAsync(incremental.BackupId, changed.Length, targetIsNew: true, options: options));
    }

    [Fact]
    public async Task A_sealed_chunk_altered_in_the_store_stops_the_restore_naming_it()
    {
        var volume = TestVolumes.Mixed(2, seed: 25);
        var options = Encrypted(Key(), "none");
        var result = await BackupAsync(volume, options);
        var pack = (await ListAsync(StoreLayout.PackPrefix))[0];
        var bytes = await Store.GetAsync(Container, pack, None);
        bytes[ChunkCipher.Overhead + 100] ^= 0x01; // Inside the encrypted bytes of the pack's first chunk.
        await Store.PutAsync(Container, pack, bytes, None);

        var failure = await Assert.ThrowsAsync<CorruptChunkException>(() => RestoreAsync(result.BackupId, volume.Length, targetIsNew: true, options: options));

        Assert.True(failure.Message.Contains("does not decrypt with key", StringComparison.Ordinal), failure.Message);
        Assert.Contains(pack, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sparse_volume_is_read_only_where_it_holds_data_and_restores_byte_identical()
    {
        const int Size = 64 * 1024 * 1024;
        var data = TestVolumes.Mixed(2, seed: 26, tail: 0);
        var sparse = TempFile();
        await using (var file = new FileStream(sparse, FileMode.Create, FileAccess.Write))
        {
            file.SetLength(Size);
            file.Position = 32 * 1024 * 1024;
            await file.WriteAsync(data);
        }

        var (sparseId, sparseResult) = await BackupFileAsync(sparse, Size, Options());

        var volume = await File.ReadAllBytesAsync(sparse);
        Assert.Equal(Size / TestVolumes.Chunk, sparseResult.ChunkCount);
        Assert.Equal(Size / TestVolumes.Chunk - (data.Length / TestVolumes.Chunk) + (1024 * 1024 / TestVolumes.Chunk), sparseResult.ZeroChunks); // Region 0 of the data is zeros too.
        Assert.True(sparseResult.BytesRead <= data.Length, $"read {sparseResult.BytesRead} bytes of a {Size}-byte volume holding {data.Length}");
        Assert.Equal(volume, await RestoreAsync(sparseId, Size, targetIsNew: false, fill: 0x5A));

        // The same bytes with every zero written out: nothing to skip, every byte read.
        var dense = TempFile();
        await File.WriteAllBytesAsync(dense, volume);
        var (_, denseResult) = await BackupFileAsync(dense, Size, Options());
        Assert.Equal(Size, denseResult.BytesRead);
        Assert.Equal(sparseResult.ZeroChunks, denseResult.ZeroChunks);
    }

    protected async Task<(Guid BackupId, long ChunkCount, long ZeroChunks, long DedupedChunks, long ObjectsWritten, long BytesUploaded, string? ParentUnreadable)> BackupAsync(
        byte[] volume, EngineOptions options, IProgress<long>? progress = null, Guid? parent = null, string? volumeMetadata = null, string project = "project", string? container = null)
    {
        var path = TempFile();
        await File.WriteAllBytesAsync(path, volume);
        var backupId = Guid.NewGuid();
        var result = await new BackupWriter(Store, options).WriteAsync(
            new BackupRequest { BackupId = backupId, VolumeId = Guid.NewGuid(), ProjectId = project, DevicePath = path, SizeBytes = volume.Length, Container = container ?? Container, Progress = progress, ParentBackupId = parent, VolumeMetadata = volumeMetadata },
            None);
        return (backupId, result.ChunkCount, result.ZeroChunks, result.DedupedChunks, result.ObjectsWritten, result.BytesUploaded, result.ParentUnreadable);
    }

    protected async Task<(Guid BackupId, BackupResult Result)> BackupFileAsync(string path, long size, EngineOptions options)
    {
        var backupId = Guid.NewGuid();
        var result = await new BackupWriter(Store, options).WriteAsync(
            new BackupRequest { BackupId = backupId, VolumeId = Guid.NewGuid(), ProjectId = "project", DevicePath = path, SizeBytes = size, Container = Container },
            None);
        return (backupId, result);
    }

    protected async Task<byte[]> RestoreAsync(Guid backupId, int size, bool targetIsNew, byte fill = 0, EngineOptions? options = null, string? container = null)
    {
        var path = TempFile();
        var initial = new byte[size];
        Array.Fill(initial, fill);
        await File.WriteAllBytesAsync(path, initial);
        await new BackupRestorer(Store, options ?? Options()).RestoreAsync(container ?? Container, backupId, path, targetIsNew, null, None);
        return await File.ReadAllBytesAsync(path);
    }

    /// <summary>Another container for the test, emptied with the test's own.</summary>
    protected string OtherContainer()
    {
        var container = $"bpe-{Guid.NewGuid():N}"[..30];
        _containers.Add(container);
        return container;
    }

    protected async Task<List<string>> ListAsync(string prefix, string? container = null)
    {
        var names = new List<string>();
        await foreach (var name in Store.ListAsync(container ?? Container, prefix, None))
        {
            names.Add(name);
        }

        return names;
    }

    /// <summary>Every object in the test's container, as stored.</summary>
    protected async Task<List<byte[]>> AllObjectsAsync()
    {
        var objects = new List<byte[]>();
        foreach (var name in await ListAsync(""))
        {
            objects.Add(await Store.GetAsync(Container, name, None));
        }

        return objects;
    }

    protected static bool Contains(List<byte[]> objects, byte[] needle) => objects.Any(o => o.AsSpan().IndexOf(needle) >= 0);

    protected static string Key() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(ChunkCipher.KeyLength));

    protected static EngineOptions Encrypted(string key, string compression = "zstd")
    {
        var options = Options(compression);
        options.Encryption.Key = key;
        return options;
    }

    protected string TempFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bp-engine-{Guid.NewGuid():N}.img");
        _files.Add(path);
        return path;
    }

    protected static string Text(byte[] bytes) => Encoding.ASCII.GetString(bytes);
}
