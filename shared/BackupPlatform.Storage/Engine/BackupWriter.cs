using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using BackupPlatform.Storage.Devices;
using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// Writes a backup: reads the device in large sequential pieces, splits them into small chunks, marks
/// all-zero chunks instead of storing them, names every other chunk by HMAC-SHA256 under its project's key
/// (<see cref="ChunkNaming"/>), compresses and packs the ones its project does not already store, streams the
/// index in segments and writes the manifest last. Dedup never crosses projects: what one stores changes
/// nothing in what another's backup writes, so no count or size tells a project about another's data.
/// Hashing and compression run on all cores; the ordered sink decides dedup and fills packs.
/// </summary>
public sealed class BackupWriter(IObjectStore store, EngineOptions options)
{
    public async Task<BackupResult> WriteAsync(BackupRequest request, CancellationToken cancellationToken)
    {
        options.Validate();
        var compression = CompressionNames.Parse(options.Compression);
        var cipher = options.Encryption.Current;
        var chunkSize = options.ChunkSize;
        var container = request.Container;
        using var activity = EngineTelemetry.Source.StartActivity("backup write");
        activity?.SetTag("backupplatform.backup_id", request.BackupId.ToString());
        activity?.SetTag("backupplatform.container", container);
        activity?.SetTag("backupplatform.store", store.Name);
        activity?.SetTag("backupplatform.volume.connector", request.Device?.Connector ?? FileVolumeDevice.ConnectorName);
        activity?.SetTag("backupplatform.encryption.key_id", cipher?.KeyId);
        await store.EnsureContainerAsync(container, cancellationToken);
        var (naming, domain) = await DomainAsync(request, cipher, cancellationToken);

        // The lock first, the dedup table second: garbage collection then never deletes a pack this backup may pick.
        var lockName = StoreLayout.Lock(request.BackupId);
        await store.PutAsync(container, lockName, JsonSerializer.SerializeToUtf8Bytes(new BackupLock(request.BackupId, DateTime.UtcNow)), cancellationToken);
        try
        {
            // Three quarters of the table for chunks already stored, the rest at least for this backup's own.
            var catalog = await ChunkCatalog.LoadAsync(store, container, naming.PackTag, options.DedupTableEntries - (options.DedupTableEntries / 4), options.EffectiveParallelism, cancellationToken);
            await using var parent = await ParentIndex.OpenAsync(store, options, container, request.ParentBackupId, chunkSize, domain, cipher?.KeyId, cancellationToken);
            activity?.SetTag("backupplatform.dedup_table.complete", catalog.IsComplete);
            activity?.SetTag("backupplatform.parent_followed", parent is not null);
            var result = await WriteDataAsync(request, catalog, parent, compression, cipher, naming, domain, chunkSize, cancellationToken) with { ParentUnreadable = parent?.Unreadable };
            activity?.SetTag("backupplatform.parent_unreadable", result.ParentUnreadable);
            await store.DeleteAsync(container, lockName, cancellationToken);
            activity?.SetTag("backupplatform.chunks", result.ChunkCount);
            activity?.SetTag("backupplatform.chunks.deduplicated", result.DedupedChunks);
            activity?.SetTag("backupplatform.bytes_uploaded", result.BytesUploaded);
            activity?.SetTag("backupplatform.bytes_read", result.BytesRead);
            return result;
        }
        catch (Exception e)
        {
            EngineTelemetry.Fail(activity, e);
            await DeleteQuietlyAsync(container, lockName);
            throw;
        }
    }

    /// <summary>
    /// The backup's dedup domain: its project's naming key, derived from the encryption key when the backup is
    /// sealed (a store reader must not be able to name known content), else from the container's naming key.
    /// </summary>
    private async Task<(ChunkNaming Naming, BackupChunkNaming Domain)> DomainAsync(BackupRequest request, ChunkCipher? cipher, CancellationToken cancellationToken)
    {
        if (cipher is not null)
        {
            return (cipher.NamingFor(request.ProjectId), new BackupChunkNaming { Project = request.ProjectId });
        }

        var (keyId, key) = await ContainerNamingKey.LoadOrCreateAsync(store, request.Container, cancellationToken);
        return (ChunkNaming.ForProject(key, request.ProjectId), new BackupChunkNaming { Project = request.ProjectId, KeyId = keyId });
    }

    /// <summary>Removes a backup's manifest and index; its chunks may be shared and are left to <see cref="GarbageCollector"/>.</summary>
    public async Task DeleteAsync(string container, Guid backupId, CancellationToken cancellationToken)
    {
        // Manifest first: a backup without its manifest reads as incomplete, never as a backup with holes.
        await store.DeleteAsync(container, StoreLayout.Manifest(backupId), cancellationToken);
        await foreach (var name in store.ListAsync(container, $"{StoreLayout.BackupPrefix}{backupId}/", cancellationToken))
        {
            await store.DeleteAsync(container, name, cancellationToken);
        }

        await store.DeleteAsync(container, StoreLayout.Lock(backupId), cancellationToken);
    }

    private async Task<BackupResult> WriteDataAsync(BackupRequest request, ChunkCatalog catalog, ParentIndex? parent, Compression compression, ChunkCipher? cipher, ChunkNaming naming, BackupChunkNaming domain, int chunkSize, CancellationToken cancellationToken)
    {
        var container = request.Container;
        var index = new BackupIndexWriter(store, container, request.BackupId, options.IndexSegmentEntries);
        await using var packs = new PackWriter(store, container, naming, options.PackSize, chunkSize, options.PackUploads);
        var added = new Dictionary<ChunkHash, ChunkLocation>();
        var addedCapacity = options.DedupTableEntries - catalog.Count;
        var blobPool = new BufferPool(options.ReadSize / chunkSize * (ChunkCodec.MaxEncodedLength(chunkSize) + ChunkCipher.Overhead), options.EffectiveParallelism + 2);
        long chunks = 0, zeros = 0, deduped = 0, done = 0;
        var read = new StageClock("read");
        var hash = new StageClock("hash");
        var compress = new StageClock("compress");
        var encrypt = new StageClock("encrypt");
        var upload = new StageClock("upload");
        var pipelineStart = DateTime.UtcNow;
        var pipelineTimestamp = Stopwatch.GetTimestamp();

        // The stage spans are reported however the backup ends: a failed one shows which stage it was in.
        BackupManifest manifest;
        byte[] manifestBytes;
        try
        {
            var device = request.Device ?? FileVolumeDevice.OpenRead(request.DevicePath ?? throw new ArgumentException("A backup request names a device or a device path.", nameof(request)), request.SizeBytes);
            try
            {
                await OrderedPipeline.RunAsync(
                    ct => ReadAsync(device, request.SizeBytes, options.ReadSize, chunkSize, parent, read, ct),
                    (piece, ct) => Task.FromResult(Encode(piece, catalog, compression, cipher, naming, chunkSize, blobPool, hash, compress, encrypt)),
                    async batch =>
                    {
                        try
                        {
                            var blobStart = 0;
                            foreach (var chunk in batch.Chunks)
                            {
                                chunks++;
                                ChunkLocation location = default;
                                if (chunk.Hash.IsZero)
                                {
                                    zeros++;
                                }
                                else if (chunk.Known is { } known)
                                {
                                    location = known;
                                    deduped++;
                                }
                                else if (added.TryGetValue(chunk.Hash, out var earlier))
                                {
                                    location = earlier;
                                    deduped++;
                                }
                                else
                                {
                                    var appending = StageClock.Now();
                                    location = await packs.AppendAsync(chunk.Hash, batch.Blobs!.AsMemory(blobStart, chunk.BlobLength), cancellationToken); // A chunk to store came with blobs.
                                    upload.Add(appending, chunk.BlobLength);
                                    if (added.Count < addedCapacity)
                                    {
                                        added.Add(chunk.Hash, location);
                                    }
                                }

                                blobStart += chunk.BlobLength;
                                await index.AddAsync(new IndexEntry(chunk.Hash, location), cancellationToken);
                            }

                            done += batch.Length;
                            request.Progress?.Report(done);
                        }
                        finally
                        {
                            if (batch.Blobs is not null)
                            {
                                blobPool.Return(batch.Blobs);
                            }
                        }
                    },
                    options.EffectiveParallelism,
                    cancellationToken);
            }
            finally
            {
                if (request.Device is null)
                {
                    await device.DisposeAsync();
                }
            }

            // Packs, then index, then manifest: whatever the manifest names is in the store before it is.
            var completing = StageClock.Now();
            await packs.CompleteAsync(cancellationToken);
            await index.CompleteAsync(cancellationToken);
            manifest = new BackupManifest
            {
                BackupId = request.BackupId,
                VolumeId = request.VolumeId,
                SizeBytes = request.SizeBytes,
                ChunkSize = chunkSize,
                Compression = compression.ToName(),
                Naming = domain,
                Encryption = cipher is null ? null : new BackupEncryption { KeyId = cipher.KeyId },
                ChunkCount = chunks,
                ZeroChunks = zeros,
                IndexSegments = index.Segments,
                CreatedAt = DateTime.UtcNow,
                VolumeMetadata = cipher is null || request.VolumeMetadata is null ? request.VolumeMetadata : cipher.SealText(request.VolumeMetadata, request.BackupId),
            };
            manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest);
            await store.PutAsync(container, StoreLayout.Manifest(request.BackupId), manifestBytes, cancellationToken);
            upload.Add(completing, 0);
        }
        finally
        {
            foreach (var stage in (ReadOnlySpan<StageClock>)[read, hash, compress, encrypt, upload])
            {
                if (stage == encrypt && cipher is null)
                {
                    continue;
                }

                stage.Report(pipelineStart, pipelineTimestamp);
            }
        }

        EngineTelemetry.BytesRead.Add(read.Bytes, EngineTelemetry.Direction("backup"));
        EngineTelemetry.BytesWritten.Add(packs.BytesUploaded + index.BytesWritten + manifestBytes.Length, EngineTelemetry.Direction("backup"));
        if (chunks - zeros > 0)
        {
            EngineTelemetry.DedupRatio.Record((double)deduped / (chunks - zeros));
        }

        return new BackupResult
        {
            ChunkCount = chunks,
            ZeroChunks = zeros,
            DedupedChunks = deduped,
            ObjectsWritten = (2L * packs.PacksWritten) + index.Segments.Count + 1,
            BytesUploaded = packs.BytesUploaded + index.BytesWritten + manifestBytes.Length,
            BytesRead = read.Bytes,
        };
    }

    /// <summary>
    /// Large sequential reads, up to the device's <see cref="IVolumeDevice.RequestsInFlight"/> at once (one
    /// for a local file; several for a network device, whose round trips then overlap); a device shorter
    /// than its declared size reads as zeros past its end, and a piece that lies in a hole of a sparse
    /// device is not read at all.
    /// </summary>
    private static async IAsyncEnumerable<Piece> ReadAsync(IVolumeDevice device, long size, int readSize, int chunkSize, ParentIndex? parent, StageClock clock, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var holes = new DeviceHoles(device, cancellationToken);
        var reading = new Queue<(int Length, Task<byte[]>? Read)>();
        try
        {
            var offset = 0L;
            while (offset < size || reading.Count > 0)
            {
                if (offset < size && reading.Count < device.RequestsInFlight)
                {
                    var length = (int)Math.Min(readSize, size - offset);
                    reading.Enqueue((length, await holes.IsHoleAsync(offset, length) ? null : ReadPieceAsync(device, offset, length, clock, cancellationToken)));
                    offset += length;
                    continue;
                }

                var (pieceLength, read) = reading.Dequeue();
                var buffer = read is null ? null : await read;
                yield return new Piece(pieceLength, buffer, parent is null ? null : await parent.NextAsync((pieceLength + chunkSize - 1) / chunkSize));
            }
        }
        finally
        {
            // Stopped early (a failure downstream): reads already begun end before their buffers go back.
            while (reading.TryDequeue(out var abandoned))
            {
                if (abandoned.Read is { } read)
                {
                    await ((Task)read).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    if (read.IsCompletedSuccessfully)
                    {
                        ArrayPool<byte>.Shared.Return(read.Result);
                    }
                }
            }
        }
    }

    private static async Task<byte[]> ReadPieceAsync(IVolumeDevice device, long offset, int length, StageClock clock, CancellationToken cancellationToken)
    {
        var started = StageClock.Now();
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var read = await device.ReadAsync(buffer.AsMemory(0, length), offset, cancellationToken);
            buffer.AsSpan(read, length - read).Clear();
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        clock.Add(started, length);
        return buffer;
    }

    /// <summary>The parallel stage: zero check, naming (HMAC under the project's key), dedup lookup, compression and sealing of one piece's chunks.</summary>
    private static Batch Encode(Piece piece, ChunkCatalog catalog, Compression compression, ChunkCipher? cipher, ChunkNaming naming, int chunkSize, BufferPool blobPool, StageClock hashing, StageClock compressing, StageClock encrypting)
    {
        // A sealed chunk is compressed here first, then sealed into the batch's blobs.
        var scratch = cipher is null ? null : ArrayPool<byte>.Shared.Rent(ChunkCodec.MaxEncodedLength(chunkSize));
        try
        {
            var count = (piece.Length + chunkSize - 1) / chunkSize;
            var chunks = new EncodedChunk[count];
            if (piece.Buffer is null)
            {
                Array.Fill(chunks, new EncodedChunk(ChunkHash.Zero, null, 0));
                return new Batch(piece.Length, chunks, null);
            }

            var blobs = blobPool.Rent();
            var blobLength = 0;
            for (var i = 0; i < count; i++)
            {
                var data = piece.Buffer.AsSpan(i * chunkSize, Math.Min(chunkSize, piece.Length - (i * chunkSize)));
                if (!data.ContainsAnyExcept((byte)0))
                {
                    chunks[i] = new EncodedChunk(ChunkHash.Zero, null, 0);
                    continue;
                }

                var hashStarted = StageClock.Now();
                var hash = naming.Name(data);
                hashing.Add(hashStarted, data.Length);
                if (piece.Parent is { } parent && parent[i].Hash == hash && !catalog.IsCondemned(parent[i].Location.Pack))
                {
                    chunks[i] = new EncodedChunk(hash, parent[i].Location, 0);
                    continue;
                }

                if (catalog.TryGet(hash, out var known))
                {
                    chunks[i] = new EncodedChunk(hash, known, 0);
                    continue;
                }

                var compressStarted = StageClock.Now();
                var encoded = ChunkCodec.EncodeInto(data, compression, scratch is null ? blobs.AsSpan(blobLength) : scratch);
                compressing.Add(compressStarted, data.Length);
                if (cipher is not null && scratch is not null)
                {
                    var encryptStarted = StageClock.Now();
                    encoded = cipher.SealChunk(scratch.AsSpan(0, encoded), hash, blobs.AsSpan(blobLength));
                    encrypting.Add(encryptStarted, encoded);
                }

                chunks[i] = new EncodedChunk(hash, null, encoded);
                blobLength += encoded;
            }

            return new Batch(piece.Length, chunks, blobs);
        }
        finally
        {
            if (piece.Buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(piece.Buffer);
            }

            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
    }

    private async Task DeleteQuietlyAsync(string container, string name)
    {
        try
        {
            await store.DeleteAsync(container, name, CancellationToken.None);
        }
        catch (Exception e) when (e is StoreException or HttpRequestException or IOException)
        {
            // The store is down: the lock goes stale and garbage collection then ignores it.
        }
    }

    /// <summary>
    /// Parent holds the parent backup's entries for the same chunks when an incremental follows its parent;
    /// no Buffer for a piece in a hole of the device.
    /// </summary>
    private readonly record struct Piece(int Length, byte[]? Buffer, IndexEntry[]? Parent);

    /// <summary>Known is the chunk's location when the store held it before this backup began; BlobLength is 0 unless it was encoded.</summary>
    private readonly record struct EncodedChunk(ChunkHash Hash, ChunkLocation? Known, int BlobLength);

    /// <summary>No Blobs when nothing in the batch is stored (a hole).</summary>
    private sealed record Batch(int Length, EncodedChunk[] Chunks, byte[]? Blobs);
}
