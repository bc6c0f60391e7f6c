using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using BackupPlatform.Storage.Devices;
using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// Restores a backup onto a device: streams its index, fetches runs of adjacent chunks with one range
/// read per run, in parallel, checks every chunk against its name before a byte of it is written, and
/// writes each run at its offset. An encrypted backup's chunks are opened with its key first. A name is
/// checked as the manifest says it was made (<see cref="NamingForAsync"/>): HMAC-SHA256 under the key of
/// its project, or SHA-256 for a backup written before dedup domains. A damaged chunk stops the restore with a
/// <see cref="CorruptChunkException"/> naming the chunk and its pack.
/// </summary>
public sealed class BackupRestorer(IObjectStore store, EngineOptions options)
{
    /// <summary>A run is fetched with one request and written with one write: at most this many stored and plain bytes.</summary>
    private const int MaxRunBytes = 4 * 1024 * 1024;

    public async Task<BackupManifest> ReadManifestAsync(string container, Guid backupId, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await store.GetAsync(container, StoreLayout.Manifest(backupId), cancellationToken);
        }
        catch (ObjectNotFoundException)
        {
            throw new InvalidDataException($"Backup {backupId} has no manifest in container {container}: it is incomplete or was deleted.");
        }

        var manifest = JsonSerializer.Deserialize<BackupManifest>(bytes)
            ?? throw new InvalidDataException($"Backup {backupId} has an empty manifest.");
        if (manifest.Format != BackupManifest.FormatName || manifest.FormatVersion != BackupManifest.CurrentFormatVersion)
        {
            throw new InvalidDataException($"Backup {backupId} is in format {manifest.Format} version {manifest.FormatVersion}, which this version cannot read.");
        }

        return manifest;
    }

    /// <summary>The key that opens the backup's chunks, null for a backup stored plain; <see cref="InvalidDataException"/> when this worker does not hold it.</summary>
    public ChunkCipher? CipherFor(BackupManifest manifest)
    {
        if (manifest.Encryption is not { } encryption)
        {
            return null;
        }

        if (encryption.Algorithm != ChunkCipher.Algorithm || encryption.ChunkNaming != ChunkCipher.ChunkNamingAlgorithm)
        {
            throw new InvalidDataException($"Backup {manifest.BackupId} is encrypted with {encryption.Algorithm} and {encryption.ChunkNaming} chunk names, which this version cannot read.");
        }

        return options.Encryption.Find(encryption.KeyId)
            ?? throw new InvalidDataException(
                $"Backup {manifest.BackupId} is encrypted with key {encryption.KeyId}, which this worker does not hold: set it as {EngineOptions.Section}:Encryption:Key or add it to {EngineOptions.Section}:Encryption:PreviousKeys.");
    }

    /// <summary>
    /// How the backup's chunks are named, to check each against its name: HMAC under the key of the project the
    /// manifest's chunk_naming names, whatever project restores it; without chunk_naming (a backup written before
    /// dedup domains) SHA-256, or the encryption key's one naming key. <see cref="InvalidDataException"/> when
    /// that key is not at hand.
    /// </summary>
    public async Task<ChunkNaming> NamingForAsync(string container, BackupManifest manifest, CancellationToken cancellationToken)
    {
        var cipher = CipherFor(manifest);
        if (manifest.Naming is not { } naming)
        {
            return cipher?.UndividedNaming ?? ChunkNaming.Sha256;
        }

        if (naming.Algorithm != ChunkNaming.Algorithm || string.IsNullOrEmpty(naming.Project) || (cipher is null) == (naming.KeyId is null))
        {
            throw new InvalidDataException($"Backup {manifest.BackupId}'s chunks are named by {naming.Algorithm}{(cipher is null ? " without" : " with")} a container key, which this version cannot read.");
        }

        return cipher?.NamingFor(naming.Project)
            ?? ChunkNaming.ForProject(await ContainerNamingKey.ReadAsync(store, container, naming.KeyId!, cancellationToken), naming.Project);
    }

    /// <summary>The volume metadata stored with the backup, opened when it is sealed.</summary>
    public string? ReadVolumeMetadata(BackupManifest manifest)
    {
        if (manifest.VolumeMetadata is not { } stored || CipherFor(manifest) is not { } cipher)
        {
            return manifest.VolumeMetadata;
        }

        try
        {
            return cipher.OpenText(stored, manifest.BackupId);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"The volume metadata of backup {manifest.BackupId} {e.Message}.", e);
        }
    }

    /// <summary>
    /// Checks that a backup is whole in the store: its manifest and index segments read and match, and every
    /// pack they name is present; that the key its chunk names are checked with is at hand; and, for an
    /// encrypted backup, that this worker holds its key.
    /// </summary>
    public async Task<BackupVerification> VerifyAsync(string container, Guid backupId, CancellationToken cancellationToken)
    {
        var manifest = await ReadManifestAsync(container, backupId, cancellationToken);
        await NamingForAsync(container, manifest, cancellationToken);
        var referenced = new HashSet<Guid>();
        await foreach (var entry in BackupIndexReader.ReadAsync(store, container, manifest, cancellationToken))
        {
            if (!entry.IsZero)
            {
                referenced.Add(entry.Location.Pack);
            }
        }

        var present = new HashSet<Guid>();
        await foreach (var name in store.ListAsync(container, StoreLayout.PackPrefix, cancellationToken))
        {
            present.Add(StoreLayout.ParsePackId(name));
        }

        var missing = referenced.Where(pack => !present.Contains(pack)).Select(StoreLayout.Pack).Order(StringComparer.Ordinal).ToList();
        return new BackupVerification(manifest, referenced.Count, missing);
    }

    /// <param name="targetIsNew">True when the target is freshly created (all zeros): zero chunks are then left as holes.</param>
    public async Task<BackupManifest> RestoreAsync(string container, Guid backupId, string devicePath, bool targetIsNew, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        await using var device = FileVolumeDevice.OpenWrite(devicePath);
        return await RestoreAsync(container, backupId, device, targetIsNew, progress, cancellationToken);
    }

    /// <summary>Restores onto a device its connector opened; the caller disposes of it.</summary>
    /// <param name="targetIsNew">True when the target is freshly created (all zeros): zero chunks are then left as holes.</param>
    public async Task<BackupManifest> RestoreAsync(string container, Guid backupId, IVolumeDevice device, bool targetIsNew, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var activity = EngineTelemetry.Source.StartActivity("backup restore");
        activity?.SetTag("backupplatform.backup_id", backupId.ToString());
        activity?.SetTag("backupplatform.container", container);
        activity?.SetTag("backupplatform.volume.connector", device.Connector);
        try
        {
            var manifest = await RestoreDataAsync(container, backupId, device, targetIsNew, progress, cancellationToken);
            EngineTelemetry.BytesWritten.Add(manifest.SizeBytes, EngineTelemetry.Direction("restore"));
            return manifest;
        }
        catch (Exception e)
        {
            EngineTelemetry.Fail(activity, e);
            throw;
        }
    }

    private async Task<BackupManifest> RestoreDataAsync(string container, Guid backupId, IVolumeDevice device, bool targetIsNew, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var manifest = await ReadManifestAsync(container, backupId, cancellationToken);
        var cipher = CipherFor(manifest);
        var naming = await NamingForAsync(container, manifest, cancellationToken);
        var writing = new Queue<(Task Write, byte[] Plain)>();
        long done = 0;
        try
        {
            await OrderedPipeline.RunAsync(
                ct => RunsAsync(container, manifest, ct),
                (run, ct) => RestoreRunAsync(container, device, run, targetIsNew, cipher, naming, manifest.ChunkSize, ct),
                async restored =>
                {
                    // One writer, in volume order: the file grows sequentially, as the kernel writes fastest,
                    // instead of the parallel stage's threads contending for the file's lock at scattered offsets.
                    // A network device has a few writes going at once, so that their round trips overlap.
                    if (restored.Plain is { } plain)
                    {
                        writing.Enqueue((WriteAsync(device, plain, restored, cancellationToken), plain));
                        while (writing.Count >= device.RequestsInFlight)
                        {
                            await EndWriteAsync(writing.Dequeue());
                        }
                    }

                    done += restored.Length;
                    progress?.Report(done);
                },
                options.EffectiveParallelism,
                cancellationToken);

            while (writing.TryDequeue(out var write))
            {
                await EndWriteAsync(write);
            }
        }
        finally
        {
            while (writing.TryDequeue(out var abandoned))
            {
                await abandoned.Write.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                ArrayPool<byte>.Shared.Return(abandoned.Plain);
            }
        }

        await device.FlushAsync(cancellationToken);
        return manifest;
    }

    private static Task WriteAsync(IVolumeDevice device, byte[] plain, RestoredRun restored, CancellationToken cancellationToken) =>
        device.WriteAsync(plain.AsMemory(0, restored.Length), restored.Offset, cancellationToken).AsTask();

    private static async Task EndWriteAsync((Task Write, byte[] Plain) write)
    {
        try
        {
            await write.Write;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(write.Plain);
        }
    }

    /// <summary>Groups the streamed index into runs: adjacent zero chunks, or chunks stored back to back in one pack.</summary>
    private async IAsyncEnumerable<Run> RunsAsync(string container, BackupManifest manifest, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long offset = 0;
        Run? open = null;
        await foreach (var entry in BackupIndexReader.ReadAsync(store, container, manifest, cancellationToken))
        {
            var length = (int)Math.Min(manifest.ChunkSize, manifest.SizeBytes - offset);
            if (length <= 0)
            {
                throw new InvalidDataException($"The index of backup {manifest.BackupId} has more chunks than its size of {manifest.SizeBytes} bytes holds.");
            }

            var joins = open is not null
                && open.Zero == entry.IsZero
                && open.PlainLength + length <= MaxRunBytes
                && (entry.IsZero || (open.Pack == entry.Location.Pack && open.PackOffset + open.StoredLength == entry.Location.Offset && open.StoredLength + entry.Location.Length <= MaxRunBytes));
            if (!joins)
            {
                if (open is not null)
                {
                    yield return open;
                }

                open = new Run(offset, entry.IsZero, entry.Location.Pack, entry.Location.Offset);
            }

            open!.Add(entry, length);
            offset += length;
        }

        if (open is not null)
        {
            yield return open;
        }

        if (offset != manifest.SizeBytes)
        {
            throw new InvalidDataException($"The index covers {offset} bytes, the manifest says {manifest.SizeBytes}.");
        }
    }

    private async Task<RestoredRun> RestoreRunAsync(string container, IVolumeDevice device, Run run, bool targetIsNew, ChunkCipher? cipher, ChunkNaming naming, int chunkSize, CancellationToken cancellationToken)
    {
        if (run.Zero)
        {
            if (!targetIsNew)
            {
                await device.WriteZerosAsync(run.VolumeOffset, run.PlainLength, cancellationToken);
            }

            return new RestoredRun(run.VolumeOffset, null, run.PlainLength);
        }

        var packName = StoreLayout.Pack(run.Pack);
        var stored = ArrayPool<byte>.Shared.Rent(run.StoredLength);
        byte[]? plain = ArrayPool<byte>.Shared.Rent(run.PlainLength);
        var opened = cipher is null ? null : ArrayPool<byte>.Shared.Rent(ChunkCodec.MaxEncodedLength(chunkSize));
        try
        {
            int read;
            try
            {
                read = await store.ReadRangeAsync(container, packName, run.PackOffset, stored.AsMemory(0, run.StoredLength), cancellationToken);
            }
            catch (ObjectNotFoundException e)
            {
                throw new CorruptChunkException(run.Entries[0].Entry.Hash.ToString(), packName, run.VolumeOffset, "its pack is missing from the store", e);
            }

            EngineTelemetry.BytesRead.Add(read, EngineTelemetry.Direction("restore"));

            int blobOffset = 0, plainOffset = 0;
            foreach (var (entry, length) in run.Entries)
            {
                var chunk = entry.Hash.ToString();
                var volumeOffset = run.VolumeOffset + plainOffset;
                if (blobOffset + entry.Location.Length > read)
                {
                    throw new CorruptChunkException(chunk, packName, volumeOffset, "its pack is shorter than the index says");
                }

                var target = plain.AsSpan(plainOffset, length);
                int decoded;
                try
                {
                    var blob = stored.AsSpan(blobOffset, entry.Location.Length);
                    if (cipher is not null && opened is not null)
                    {
                        blob = opened.AsSpan(0, cipher.OpenChunk(blob, entry.Hash, opened));
                    }

                    decoded = ChunkCodec.Decode(blob, target);
                }
                catch (InvalidDataException e)
                {
                    throw new CorruptChunkException(chunk, packName, volumeOffset, e.Message, e);
                }

                if (decoded != length)
                {
                    throw new CorruptChunkException(chunk, packName, volumeOffset, $"holds {decoded} bytes, expected {length}");
                }

                if (naming.Name(target) != entry.Hash)
                {
                    throw new CorruptChunkException(chunk, packName, volumeOffset, naming == ChunkNaming.Sha256 ? "SHA-256 does not match its name" : "HMAC-SHA256 does not match its name");
                }

                blobOffset += entry.Location.Length;
                plainOffset += length;
            }

            var restored = new RestoredRun(run.VolumeOffset, plain, run.PlainLength);
            plain = null; // The sink writes it and returns it to the pool.
            return restored;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(stored);
            if (opened is not null)
            {
                ArrayPool<byte>.Shared.Return(opened);
            }

            if (plain is not null)
            {
                ArrayPool<byte>.Shared.Return(plain);
            }
        }
    }

    /// <summary>A run decoded and verified, waiting for the writer; no buffer for a zero run.</summary>
    private readonly record struct RestoredRun(long Offset, byte[]? Plain, int Length);

    /// <summary>Consecutive chunks restored together: all zero, or stored back to back in one pack.</summary>
    private sealed class Run(long volumeOffset, bool zero, Guid pack, long packOffset)
    {
        public long VolumeOffset { get; } = volumeOffset;

        public bool Zero { get; } = zero;

        public Guid Pack { get; } = pack;

        public long PackOffset { get; } = packOffset;

        public int PlainLength { get; private set; }

        public int StoredLength { get; private set; }

        public List<(IndexEntry Entry, int Length)> Entries { get; } = [];

        public void Add(IndexEntry entry, int length)
        {
            PlainLength += length;
            StoredLength += entry.Location.Length;
            if (!Zero)
            {
                Entries.Add((entry, length));
            }
        }
    }
}
