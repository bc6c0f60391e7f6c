using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using BackupPlatform.Storage.Engine;

namespace BackupPlatform.Storage.Tests.Engine;

/// <summary>
/// Dedup domains (issue 12, finding 3): chunks are named per project, so that nothing a project's backup writes
/// or counts depends on what another project stores; backups made before domains still restore.
/// </summary>
public abstract partial class EngineTests
{
    [Fact]
    public async Task Two_projects_store_the_same_volume_under_different_chunk_names_and_the_second_writes_what_it_writes_alone()
    {
        var volume = TestVolumes.Mixed(4, seed: 31);
        var control = OtherContainer();
        var alone = await BackupAsync(volume, Options(), project: "tenant-b", container: control); // Where tenant A holds nothing.

        var a = await BackupAsync(volume, Options(), project: "tenant-a");
        var b = await BackupAsync(volume, Options(), project: "tenant-b");

        // Tenant B references nothing of A's: every count and size of its backup is what it is alone.
        Assert.Equal(0, b.DedupedChunks);
        Assert.Equal(alone.ObjectsWritten, b.ObjectsWritten);
        Assert.Equal(alone.ChunkCount, b.ChunkCount);
        Assert.Equal(alone.ZeroChunks, b.ZeroChunks);
        Assert.Equal(alone.BytesUploaded - await ManifestLengthAsync(alone.BackupId, control), b.BytesUploaded - await ManifestLengthAsync(b.BackupId)); // Manifests differ in their timestamp's digits.
        var namesA = await ChunkNamesAsync(a.BackupId);
        var namesB = await ChunkNamesAsync(b.BackupId);
        Assert.Equal(a.ChunkCount - a.ZeroChunks, namesA.Count);
        Assert.Empty(namesA.Intersect(namesB));

        // Within a project dedup is whole.
        var again = await BackupAsync(volume, Options(), project: "tenant-b");
        Assert.Equal(again.ChunkCount - again.ZeroChunks, again.DedupedChunks);
        Assert.Equal(2, again.ObjectsWritten);
        foreach (var id in (Guid[])[a.BackupId, b.BackupId, again.BackupId])
        {
            Assert.Equal(volume, await RestoreAsync(id, volume.Length, targetIsNew: true));
        }
    }

    [Fact]
    public async Task Another_projects_chunks_never_crowd_a_projects_own_out_of_its_dedup_table()
    {
        var options = Options();
        options.DedupTableEntries = 32; // 24 for stored chunks: tenant B's 16, but not A's 320 as well.
        var mine = new byte[1024 * 1024];
        new Random(32).NextBytes(mine);
        var theirs = new byte[20 * 1024 * 1024];
        new Random(33).NextBytes(theirs);

        var first = await BackupAsync(mine, options, project: "tenant-b");
        await BackupAsync(theirs, options, project: "tenant-a");
        var second = await BackupAsync(mine, options, project: "tenant-b");

        Assert.Equal(first.ChunkCount, second.DedupedChunks);
        Assert.Equal(2, second.ObjectsWritten);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_backup_written_before_dedup_domains_restores_and_verifies_and_the_next_backup_on_it_starts_its_projects_domain(bool encrypted)
    {
        var volume = TestVolumes.Mixed(3, seed: 34);
        var options = encrypted ? Encrypted(Key()) : Options();
        var old = await WriteBackupBeforeDomainsAsync(volume, options.Encryption.Current);
        var restorer = new BackupRestorer(Store, options);

        Assert.Equal(volume, await RestoreAsync(old, volume.Length, targetIsNew: false, fill: 0x5A, options: options));
        var verified = await restorer.VerifyAsync(Container, old, None);
        Assert.Empty(verified.Missing);
        Assert.Null(verified.Manifest.Naming);

        // Named in no project's domain: the first backup on it stores the volume again, the next dedups as ever.
        var incremental = await BackupAsync(volume, options, parent: old);
        Assert.Equal(0, incremental.DedupedChunks);
        var next = await BackupAsync(volume, options, parent: incremental.BackupId);
        Assert.Equal(next.ChunkCount - next.ZeroChunks, next.DedupedChunks);
        var manifest = await restorer.ReadManifestAsync(Container, next.BackupId, None);
        Assert.Equal((2, "project", encrypted), (manifest.FormatVersion, manifest.Naming?.Project, manifest.Naming?.KeyId is null));

        var collected = await new GarbageCollector(Store, options).CollectAsync(Container, TimeSpan.Zero, TimeSpan.FromHours(1), None);
        Assert.Equal(0, collected.Deleted);
        Assert.Equal(volume, await RestoreAsync(old, volume.Length, targetIsNew: true, options: options));
        Assert.Equal(volume, await RestoreAsync(next.BackupId, volume.Length, targetIsNew: true, options: options));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_record_of_one_project_imported_under_another_id_restores_and_another_projects_incremental_on_it_stores_its_own_chunks(bool encrypted)
    {
        var volume = TestVolumes.Mixed(3, seed: 35);
        var options = encrypted ? Encrypted(Key()) : Options();
        var a = await BackupAsync(volume, options, project: "tenant-a");
        var imported = Guid.NewGuid();

        var verification = await new BackupImporter(Store, options).ImportAsync(Container, a.BackupId, imported, None);

        Assert.Empty(verification.Missing);
        Assert.Equal("tenant-a", verification.Manifest.Naming?.Project);
        Assert.Equal(volume, await RestoreAsync(imported, volume.Length, targetIsNew: true, options: options));
        var b = await BackupAsync(volume, options, project: "tenant-b", parent: imported);
        Assert.Equal(0, b.DedupedChunks);
        Assert.Equal(volume, await RestoreAsync(b.BackupId, volume.Length, targetIsNew: true, options: options));
    }

    [Fact]
    public async Task The_container_naming_key_is_made_once_the_lowest_wins_a_race_and_a_backup_whose_key_is_gone_or_altered_fails_naming_it()
    {
        var volume = TestVolumes.Mixed(2, seed: 36);
        var first = await BackupAsync(volume, Options());
        var second = await BackupAsync(volume, Options());
        var key = Assert.Single(await ListAsync(StoreLayout.NamingKeyPrefix));
        Assert.Equal(second.ChunkCount - second.ZeroChunks, second.DedupedChunks);

        // Another worker made a key at the same moment: every backup from now on picks the lowest id; both keep restoring.
        var firstId = key[StoreLayout.NamingKeyPrefix.Length..];
        byte[] rival;
        do
        {
            rival = RandomNumberGenerator.GetBytes(ContainerNamingKey.KeyLength);
        }
        while (string.CompareOrdinal(ChunkNaming.KeyId(rival), firstId) > 0);
        await Store.PutAsync(Container, StoreLayout.NamingKey(ChunkNaming.KeyId(rival)), rival, None);
        var third = await BackupAsync(volume, Options());
        Assert.Equal(0, third.DedupedChunks);
        Assert.Equal(ChunkNaming.KeyId(rival), (await new BackupRestorer(Store, Options()).ReadManifestAsync(Container, third.BackupId, None)).Naming?.KeyId);
        await new GarbageCollector(Store, Options()).CollectAsync(Container, TimeSpan.Zero, TimeSpan.FromHours(1), None);
        Assert.Equal(2, (await ListAsync(StoreLayout.NamingKeyPrefix)).Count);
        Assert.Equal(volume, await RestoreAsync(first.BackupId, volume.Length, targetIsNew: true));
        Assert.Equal(volume, await RestoreAsync(third.BackupId, volume.Length, targetIsNew: true));

        // Altered or gone, the key is named; a restore never checks chunks against another key.
        await Store.PutAsync(Container, key, RandomNumberGenerator.GetBytes(ContainerNamingKey.KeyLength), None);
        var altered = await Assert.ThrowsAsync<InvalidDataException>(() => RestoreAsync(first.BackupId, volume.Length, targetIsNew: true));
        Assert.Contains($"{key} in container {Container} is damaged", altered.Message, StringComparison.Ordinal);
        await Store.DeleteAsync(Container, key, None);
        var gone = await Assert.ThrowsAsync<InvalidDataException>(() => new BackupRestorer(Store, Options()).VerifyAsync(Container, first.BackupId, None));
        Assert.Contains($"{key} is missing from container {Container}", gone.Message, StringComparison.Ordinal);
    }

    /// <summary>The names of a backup's stored chunks, read from its index segments as docs/storage-format.md lays them out.</summary>
    private async Task<HashSet<string>> ChunkNamesAsync(Guid backupId, string? container = null)
    {
        var manifest = await new BackupRestorer(Store, Options()).ReadManifestAsync(container ?? Container, backupId, None);
        var names = new HashSet<string>();
        foreach (var segment in manifest.IndexSegments)
        {
            var bytes = await Store.GetAsync(container ?? Container, segment.Name, None);
            for (var i = 0; i < segment.Entries; i++)
            {
                var name = bytes.AsSpan(16 + (56 * i), 32);
                if (name.ContainsAnyExcept((byte)0))
                {
                    names.Add(Convert.ToHexStringLower(name));
                }
            }
        }

        return names;
    }

    private async Task<int> ManifestLengthAsync(Guid backupId, string? container = null) => (await Store.GetAsync(container ?? Container, StoreLayout.Manifest(backupId), None)).Length;

    /// <summary>
    /// A backup as the engine wrote it before dedup domains (docs/storage-format.md): chunks named by SHA-256, or by the encryption
    /// key's one naming key; one pack with a random id, its index, one index segment and a manifest without chunk_naming.
    /// </summary>
    private async Task<Guid> WriteBackupBeforeDomainsAsync(byte[] volume, ChunkCipher? cipher)
    {
        await Store.EnsureContainerAsync(Container, None);
        var naming = cipher?.UndividedNaming ?? ChunkNaming.Sha256;
        var backupId = Guid.NewGuid();
        var pack = Guid.NewGuid();
        var packBytes = new MemoryStream();
        var packEntries = new List<(ChunkHash Hash, long Offset, int Length)>();
        var chunks = (volume.Length + TestVolumes.Chunk - 1) / TestVolumes.Chunk;
        var segment = new byte[16 + (56 * chunks)];
        "BPX1"u8.CopyTo(segment);
        BinaryPrimitives.WriteUInt32LittleEndian(segment.AsSpan(8), (uint)chunks);
        var encoded = new byte[ChunkCodec.MaxEncodedLength(TestVolumes.Chunk)];
        var blob = new byte[encoded.Length + ChunkCipher.Overhead];
        var zeros = 0;
        for (var i = 0; i < chunks; i++)
        {
            var data = volume.AsSpan(i * TestVolumes.Chunk, Math.Min(TestVolumes.Chunk, volume.Length - (i * TestVolumes.Chunk)));
            if (!data.ContainsAnyExcept((byte)0))
            {
                zeros++;
                continue;
            }

            var name = naming.Name(data);
            var length = ChunkCodec.EncodeInto(data, Compression.Zstd, encoded);
            if (cipher is null)
            {
                encoded.AsSpan(0, length).CopyTo(blob);
            }
            else
            {
                length = cipher.SealChunk(encoded.AsSpan(0, length), name, blob);
            }

            var entry = segment.AsSpan(16 + (56 * i), 56);
            name.Write(entry);
            Convert.FromHexString(StoreLayout.PackId(pack)).CopyTo(entry[32..]);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[48..], (uint)packBytes.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[52..], (uint)length);
            packEntries.Add((name, packBytes.Length, length));
            packBytes.Write(blob, 0, length);
        }

        await Store.PutAsync(Container, StoreLayout.Pack(pack), packBytes.ToArray(), None);
        await Store.PutAsync(Container, StoreLayout.PackIndex(pack), new PackIndex(pack, DateTime.UtcNow, packEntries).Encode(), None);
        var segmentName = StoreLayout.IndexSegment(backupId, 0);
        await Store.PutAsync(Container, segmentName, segment, None);
        var manifest = new BackupManifest
        {
            FormatVersion = 2,
            BackupId = backupId,
            VolumeId = Guid.NewGuid(),
            SizeBytes = volume.Length,
            ChunkSize = TestVolumes.Chunk,
            Compression = "zstd",
            ChunkCount = chunks,
            ZeroChunks = zeros,
            IndexSegments = [new IndexSegment { Name = segmentName, Entries = chunks, Sha256 = Convert.ToHexStringLower(SHA256.HashData(segment)) }],
            CreatedAt = DateTime.UtcNow,
            Encryption = cipher is null ? null : new BackupEncryption { KeyId = cipher.KeyId },
        };
        await Store.PutAsync(Container, StoreLayout.Manifest(backupId), JsonSerializer.SerializeToUtf8Bytes(manifest), None);
        return backupId;
    }
}
