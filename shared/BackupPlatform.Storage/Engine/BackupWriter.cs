using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// Writes a backup: reads the device in large sequential chunks, leaves all-zero chunks out,
/// names every other chunk by its SHA-256, compresses and uploads the ones the store does not
/// already hold, then writes the index and, last, the manifest.
/// </summary>
public sealed class BackupWriter(IObjectStore store, EngineOptions options)
{
    public async Task<BackupResult> WriteAsync(BackupRequest request, CancellationToken cancellationToken)
    {
        var compression = CompressionNames.Parse(options.Compression);
        var chunkSize = options.ChunkSize;
        await store.EnsureContainerAsync(request.Container, cancellationToken);

        using var device = File.OpenHandle(request.DevicePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.Asynchronous);
        var index = new StringBuilder();
        long chunks = 0, zeros = 0, deduped = 0, written = 0, uploaded = 0, done = 0;

        await OrderedPipeline.RunAsync(
            ct => ReadChunksAsync(device, request.SizeBytes, chunkSize, ct),
            (chunk, ct) => StoreChunkAsync(request.Container, chunk, compression, ct),
            outcome =>
            {
                chunks++;
                index.Append(outcome.Hash ?? "0").Append('\n');
                if (outcome.Hash is null)
                {
                    zeros++;
                }
                else if (outcome.Uploaded == 0)
                {
                    deduped++;
                }
                else
                {
                    written++;
                    uploaded += outcome.Uploaded;
                }

                done += outcome.Length;
                request.Progress?.Report(done);
                return ValueTask.CompletedTask;
            },
            options.EffectiveParallelism,
            cancellationToken);

        var indexBytes = Encoding.UTF8.GetBytes(index.ToString());
        await store.PutAsync(request.Container, StoreLayout.Index(request.BackupId), indexBytes, cancellationToken);
        var manifest = new BackupManifest
        {
            BackupId = request.BackupId,
            VolumeId = request.VolumeId,
            SizeBytes = request.SizeBytes,
            ChunkSize = chunkSize,
            Compression = compression.ToName(),
            ChunkCount = chunks,
            ZeroChunks = zeros,
            IndexSha256 = Convert.ToHexStringLower(SHA256.HashData(indexBytes)),
            CreatedAt = DateTime.UtcNow,
            VolumeMetadata = request.VolumeMetadata,
        };
        var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest);
        await store.PutAsync(request.Container, StoreLayout.Manifest(request.BackupId), manifestBytes, cancellationToken);

        return new BackupResult
        {
            ChunkCount = chunks,
            ZeroChunks = zeros,
            DedupedChunks = deduped,
            ObjectsWritten = written + 2,
            BytesUploaded = uploaded + indexBytes.Length + manifestBytes.Length,
        };
    }

    /// <summary>Removes a backup's index and manifest; chunks are shared and left to garbage collection.</summary>
    public async Task DeleteAsync(string container, Guid backupId, CancellationToken cancellationToken)
    {
        // Manifest first: a backup without its manifest reads as incomplete, never as a backup with holes.
        await store.DeleteAsync(container, StoreLayout.Manifest(backupId), cancellationToken);
        await store.DeleteAsync(container, StoreLayout.Index(backupId), cancellationToken);
    }

    private static async IAsyncEnumerable<PlainChunk> ReadChunksAsync(Microsoft.Win32.SafeHandles.SafeFileHandle device, long size, int chunkSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (long offset = 0; offset < size; offset += chunkSize)
        {
            var length = (int)Math.Min(chunkSize, size - offset);
            var buffer = ArrayPool<byte>.Shared.Rent(length);
            var filled = 0;
            while (filled < length)
            {
                var read = await RandomAccess.ReadAsync(device, buffer.AsMemory(filled, length - filled), offset + filled, cancellationToken);
                if (read == 0)
                {
                    // A device shorter than its declared size reads as zeros past its end.
                    buffer.AsSpan(filled, length - filled).Clear();
                    break;
                }

                filled += read;
            }

            yield return new PlainChunk(offset, length, buffer);
        }
    }

    private async Task<ChunkOutcome> StoreChunkAsync(string container, PlainChunk chunk, Compression compression, CancellationToken cancellationToken)
    {
        try
        {
            var data = chunk.Buffer.AsMemory(0, chunk.Length);
            if (!data.Span.ContainsAnyExcept((byte)0))
            {
                return new ChunkOutcome(null, chunk.Length, 0);
            }

            var hash = Convert.ToHexStringLower(SHA256.HashData(data.Span));
            var name = StoreLayout.Chunk(hash);
            if (await store.ExistsAsync(container, name, cancellationToken))
            {
                return new ChunkOutcome(hash, chunk.Length, 0);
            }

            var encoded = ChunkCodec.Encode(data.Span, compression);
            await store.PutAsync(container, name, encoded, cancellationToken);
            return new ChunkOutcome(hash, chunk.Length, encoded.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk.Buffer);
        }
    }

    private readonly record struct PlainChunk(long Offset, int Length, byte[] Buffer);

    /// <summary>Hash is null for an all-zero chunk; Uploaded is 0 when the store already held it.</summary>
    private readonly record struct ChunkOutcome(string? Hash, int Length, long Uploaded);
}
