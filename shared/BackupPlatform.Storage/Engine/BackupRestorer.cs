using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// Restores a backup onto a device: fetches chunks in parallel, checks every chunk against its
/// SHA-256 name before a byte of it is written, and writes each at its offset. A damaged chunk
/// stops the restore with a <see cref="CorruptChunkException"/> naming it.
/// </summary>
public sealed class BackupRestorer(IObjectStore store, EngineOptions options)
{
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

    /// <summary>Checks that a backup is whole in the store: its manifest and index read and match, and every chunk is present.</summary>
    public async Task<BackupVerification> VerifyAsync(string container, Guid backupId, CancellationToken cancellationToken)
    {
        var manifest = await ReadManifestAsync(container, backupId, cancellationToken);
        var indexBytes = await store.GetAsync(container, StoreLayout.Index(backupId), cancellationToken);
        if (Convert.ToHexStringLower(SHA256.HashData(indexBytes)) != manifest.IndexSha256)
        {
            throw new InvalidDataException($"The index of backup {backupId} does not match its manifest's checksum.");
        }

        var hashes = Encoding.UTF8.GetString(indexBytes).Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => line != "0").Distinct().ToList();
        var missing = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(
            hashes,
            new ParallelOptions { MaxDegreeOfParallelism = options.EffectiveParallelism, CancellationToken = cancellationToken },
            async (hash, ct) =>
            {
                if (!await store.ExistsAsync(container, StoreLayout.Chunk(hash), ct))
                {
                    missing.Add(StoreLayout.Chunk(hash));
                }
            });
        return new BackupVerification(manifest, hashes.Count, [.. missing.Order(StringComparer.Ordinal)]);
    }

    /// <param name="targetIsNew">True when the target is freshly created (all zeros): zero chunks are then left as holes.</param>
    public async Task<BackupManifest> RestoreAsync(string container, Guid backupId, string devicePath, bool targetIsNew, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var manifest = await ReadManifestAsync(container, backupId, cancellationToken);
        var indexBytes = await store.GetAsync(container, StoreLayout.Index(backupId), cancellationToken);
        if (Convert.ToHexStringLower(SHA256.HashData(indexBytes)) != manifest.IndexSha256)
        {
            throw new InvalidDataException($"The index of backup {backupId} does not match its manifest's checksum.");
        }

        using var device = File.OpenHandle(devicePath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, FileOptions.Asynchronous);
        long done = 0;
        await OrderedPipeline.RunAsync(
            ct => EntriesAsync(indexBytes, manifest, ct),
            (entry, ct) => RestoreChunkAsync(container, device, entry, targetIsNew, manifest.ChunkSize, ct),
            length =>
            {
                done += length;
                progress?.Report(done);
                return ValueTask.CompletedTask;
            },
            options.EffectiveParallelism,
            cancellationToken);

        RandomAccess.FlushToDisk(device);
        return manifest;
    }

    private static async IAsyncEnumerable<IndexEntry> EntriesAsync(byte[] index, BackupManifest manifest, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        using var reader = new StringReader(Encoding.UTF8.GetString(index));
        long offset = 0;
        while (reader.ReadLine() is { } line)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var length = (int)Math.Min(manifest.ChunkSize, manifest.SizeBytes - offset);
            yield return new IndexEntry(offset, length, line == "0" ? null : line);
            offset += length;
        }

        if (offset != manifest.SizeBytes)
        {
            throw new InvalidDataException($"The index covers {offset} bytes, the manifest says {manifest.SizeBytes}.");
        }
    }

    private async Task<int> RestoreChunkAsync(string container, Microsoft.Win32.SafeHandles.SafeFileHandle device, IndexEntry entry, bool targetIsNew, int chunkSize, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
        try
        {
            var plain = buffer.AsMemory(0, entry.Length);
            if (entry.Hash is null)
            {
                if (targetIsNew)
                {
                    return entry.Length;
                }

                plain.Span.Clear();
            }
            else
            {
                var name = StoreLayout.Chunk(entry.Hash);
                byte[] encoded;
                try
                {
                    encoded = await store.GetAsync(container, name, cancellationToken);
                }
                catch (ObjectNotFoundException e)
                {
                    throw new CorruptChunkException(name, entry.Offset, "missing from the store", e);
                }

                int length;
                try
                {
                    length = ChunkCodec.Decode(encoded, buffer.AsSpan(0, entry.Length));
                }
                catch (InvalidDataException e)
                {
                    throw new CorruptChunkException(name, entry.Offset, e.Message, e);
                }

                if (length != entry.Length)
                {
                    throw new CorruptChunkException(name, entry.Offset, $"holds {length} bytes, expected {entry.Length}");
                }

                if (Convert.ToHexStringLower(SHA256.HashData(plain.Span)) != entry.Hash)
                {
                    throw new CorruptChunkException(name, entry.Offset, "SHA-256 does not match its name");
                }
            }

            await RandomAccess.WriteAsync(device, plain, entry.Offset, cancellationToken);
            return entry.Length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private readonly record struct IndexEntry(long Offset, int Length, string? Hash);
}
