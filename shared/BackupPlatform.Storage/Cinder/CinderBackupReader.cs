using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using BackupPlatform.Storage.Devices;
using BackupPlatform.Storage.Engine;
using BackupPlatform.Storage.Stores;
using ICSharpCode.SharpZipLib.BZip2;
using ZstdSharp;

namespace BackupPlatform.Storage.Cinder;

/// <summary>
/// Reads backups made by Cinder's chunked drivers (posix, NFS, Swift, S3: format "1.0.0") where they lie,
/// through any store driver, and restores them as Cinder's _restore_v1 does: the full backup's objects,
/// then each incremental's over them. Checks what the format lets it check: the object list against the
/// container (as Cinder does), the MD5 of every object's plain bytes, and afterwards the SHA-256 of every
/// block of the restored volume against the newest backup's sha256file. Objects are streamed, never held whole.
/// </summary>
public sealed class CinderBackupReader(IObjectStore store)
{
    private const int BufferBytes = 4 * 1024 * 1024;

    /// <summary>Reads a backup's metadata and sha256file and checks that every object its metadata names is in the container.</summary>
    public async Task<CinderBackup> ReadAsync(CinderBackupLocation location, CancellationToken cancellationToken)
    {
        var metadata = await ReadJsonAsync<CinderBackupMetadata>(location, location.MetadataName, cancellationToken);
        if (metadata.Version != CinderBackupMetadata.SupportedVersion)
        {
            throw new CinderObjectException(location.Container, location.MetadataName,
                $"is in Cinder's format version {metadata.Version ?? "(none)"}; only {CinderBackupMetadata.SupportedVersion} is supported");
        }

        var sha256File = await ReadJsonAsync<CinderSha256File>(location, location.Sha256FileName, cancellationToken);
        if (sha256File.ChunkSize <= 0 || sha256File.Sha256s.Count == 0)
        {
            throw new CinderObjectException(location.Container, location.Sha256FileName, "has no block size or no block hashes");
        }

        var present = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var name in store.ListAsync(location.Container, location.ObjectPrefix, cancellationToken))
        {
            present.Add(name);
        }

        foreach (var (name, stored) in metadata.ObjectsInOrder())
        {
            if (!name.StartsWith(location.ObjectPrefix, StringComparison.Ordinal) || stored.Offset < 0 || stored.Length < 0)
            {
                throw new CinderObjectException(location.Container, location.MetadataName, $"names another backup's object or a negative extent: {name}");
            }

            if (!present.Contains(name))
            {
                throw new CinderObjectException(location.Container, name, "is missing from the store");
            }
        }

        return new CinderBackup(location, metadata, sha256File);
    }

    /// <summary>
    /// Restores the chain (the full backup first, then its incrementals in order) onto the device and
    /// verifies the result; returns the newest backup's files, whose volume metadata the caller puts back.
    /// </summary>
    public async Task<CinderBackup> RestoreAsync(IReadOnlyList<CinderBackupLocation> chain, IVolumeDevice device, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var activity = EngineTelemetry.Source.StartActivity("cinder backup restore");
        activity?.SetTag("backupplatform.backup_id", chain[^1].BackupId.ToString());
        try
        {
            var backups = new List<CinderBackup>();
            foreach (var location in chain)
            {
                backups.Add(await ReadAsync(location, cancellationToken));
            }

            var written = new List<(CinderBackupLocation Location, string Name, CinderObject Object)>();
            var buffer = new byte[BufferBytes];
            long done = 0;
            foreach (var backup in backups)
            {
                foreach (var (name, stored) in backup.Metadata.ObjectsInOrder())
                {
                    await RestoreObjectAsync(backup.Location, name, stored, device, buffer, cancellationToken);
                    written.Add((backup.Location, name, stored));
                    done += stored.Length;
                    progress?.Report(done);
                }
            }

            await device.FlushAsync(cancellationToken);
            EngineTelemetry.BytesWritten.Add(done, EngineTelemetry.Direction("restore"));
            await VerifyBlocksAsync(backups[^1], written, device, buffer, cancellationToken);
            return backups[^1];
        }
        catch (Exception e)
        {
            EngineTelemetry.Fail(activity, e);
            throw;
        }
    }

    private async Task RestoreObjectAsync(CinderBackupLocation location, string name, CinderObject stored, IVolumeDevice device, byte[] buffer, CancellationToken cancellationToken)
    {
        Compression compression;
        try
        {
            compression = CompressionNames.Parse(stored.Compression ?? "none");
        }
        catch (ArgumentException)
        {
            throw new CinderObjectException(location.Container, name, $"is compressed with '{stored.Compression}', which is not supported (none, zlib, bz2, zstd)");
        }

        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        long plain = 0;
        try
        {
            await using var raw = new BufferedStream(new StoreObjectStream(store, location.Container, name), BufferBytes);
            await using var data = Decompress(compression, raw);
            while (true)
            {
                var read = await data.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                if (plain + read > stored.Length)
                {
                    throw new CinderObjectException(location.Container, name, $"failed its length check: more than the {stored.Length} bytes its metadata says");
                }

                md5.AppendData(buffer, 0, read);
                await device.WriteAsync(buffer.AsMemory(0, read), stored.Offset + plain, cancellationToken);
                plain += read;
            }
        }
        catch (ObjectNotFoundException e)
        {
            throw new CinderObjectException(location.Container, name, "is missing from the store", e);
        }
        catch (Exception e) when (e is InvalidDataException or ZstdException or BZip2Exception)
        {
            throw new CinderObjectException(location.Container, name, $"failed to decompress ({compression.ToName()}): {e.Message}", e);
        }

        EngineTelemetry.BytesRead.Add(plain, EngineTelemetry.Direction("restore"));
        if (plain != stored.Length)
        {
            throw new CinderObjectException(location.Container, name, $"failed its length check: {plain} bytes, its metadata says {stored.Length}");
        }

        var actual = Convert.ToHexStringLower(md5.GetHashAndReset());
        if (!string.Equals(actual, stored.Md5, StringComparison.OrdinalIgnoreCase))
        {
            throw new CinderObjectException(location.Container, name, $"failed its MD5 check: the MD5 of its {plain} bytes is {actual}, its metadata says {stored.Md5}");
        }
    }

    private static Stream Decompress(Compression compression, Stream raw) => compression switch
    {
        Compression.None => raw,
        Compression.Zlib => new ZLibStream(raw, CompressionMode.Decompress, leaveOpen: true),
        Compression.Bz2 => new BZip2InputStream(raw) { IsStreamOwner = false },
        Compression.Zstd => new DecompressionStream(raw, leaveOpen: true),
        _ => throw new ArgumentOutOfRangeException(nameof(compression)),
    };

    /// <summary>
    /// The restored volume read back against the newest backup's SHA-256 per block: this catches what the
    /// per-object MD5 cannot, such as a wrong layering of incrementals or a damaged parent the newest
    /// backup's objects do not cover. A mismatch names the object that last wrote the block.
    /// </summary>
    private static async Task VerifyBlocksAsync(CinderBackup newest, List<(CinderBackupLocation Location, string Name, CinderObject Object)> written, IVolumeDevice device, byte[] buffer, CancellationToken cancellationToken)
    {
        var blockSize = newest.Sha256File.ChunkSize;
        var volumeBytes = written.Count == 0 ? 0 : written.Max(w => w.Object.Offset + w.Object.Length);
        var expectedBlocks = (volumeBytes + blockSize - 1) / blockSize;
        if (newest.Sha256File.Sha256s.Count != expectedBlocks)
        {
            throw new CinderObjectException(newest.Location.Container, newest.Location.Sha256FileName,
                $"lists {newest.Sha256File.Sha256s.Count} blocks of {blockSize} bytes, the backup's objects cover {volumeBytes} bytes ({expectedBlocks} blocks)");
        }

        var perRead = Math.Max(1, buffer.Length / blockSize) * blockSize;
        for (long offset = 0; offset < volumeBytes; offset += perRead)
        {
            var length = (int)Math.Min(perRead, volumeBytes - offset);
            var read = 0;
            while (read < length)
            {
                var n = await device.ReadAsync(buffer.AsMemory(read, length - read), offset + read, cancellationToken);
                if (n == 0)
                {
                    throw new InvalidDataException($"The restored volume ends at {offset + read} bytes, the Cinder backup holds {volumeBytes}.");
                }

                read += n;
            }

            for (var at = 0; at < length; at += blockSize)
            {
                var blockLength = Math.Min(blockSize, length - at);
                var index = (int)((offset + at) / blockSize);
                var actual = Convert.ToHexStringLower(SHA256.HashData(buffer.AsSpan(at, blockLength)));
                if (!string.Equals(actual, newest.Sha256File.Sha256s[index], StringComparison.OrdinalIgnoreCase))
                {
                    throw BlockMismatch(newest, written, offset + at, blockLength);
                }
            }
        }
    }

    private static CinderObjectException BlockMismatch(CinderBackup newest, List<(CinderBackupLocation Location, string Name, CinderObject Object)> written, long blockOffset, int blockLength)
    {
        var last = written.FindLastIndex(w => w.Object.Offset < blockOffset + blockLength && blockOffset < w.Object.Offset + w.Object.Length);
        return last < 0
            ? new CinderObjectException(newest.Location.Container, newest.Location.Sha256FileName, $"does not match the restored block at volume offset {blockOffset}, which no object wrote")
            : new CinderObjectException(written[last].Location.Container, written[last].Name,
                $"failed the SHA-256 check: the restored block at volume offset {blockOffset} differs from backup {newest.Location.BackupId}'s sha256file");
    }

    private async Task<T> ReadJsonAsync<T>(CinderBackupLocation location, string name, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await store.GetAsync(location.Container, name, cancellationToken);
        }
        catch (ObjectNotFoundException e)
        {
            throw new CinderObjectException(location.Container, name, "is missing from the store", e);
        }

        try
        {
            return JsonSerializer.Deserialize<T>(bytes) ?? throw new JsonException("empty document");
        }
        catch (JsonException e)
        {
            throw new CinderObjectException(location.Container, name, $"is not Cinder's backup JSON: {e.Message}", e);
        }
    }
}
