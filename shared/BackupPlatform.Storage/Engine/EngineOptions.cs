namespace BackupPlatform.Storage.Engine;

/// <summary>Configuration section "BackupPlatform:Engine".</summary>
public sealed class EngineOptions
{
    public const string Section = "BackupPlatform:Engine";

    /// <summary>
    /// Bytes per chunk, the unit of change detection and dedup (Cinder tracks 32 KiB blocks). 64 KiB: a
    /// scattered 64 KiB write changes one chunk, and hashing/compression overhead per chunk stays small.
    /// </summary>
    public int ChunkSize { get; set; } = 64 * 1024;

    /// <summary>Bytes per pack object (Cinder's backup_swift_object_size analogue): few, large store requests.</summary>
    public int PackSize { get; set; } = 16 * 1024 * 1024;

    /// <summary>Packs uploading at once while the next fills.</summary>
    public int PackUploads { get; set; } = 2;

    /// <summary>Bytes per sequential read of the device; a read is split into chunks by one pipeline worker.</summary>
    public int ReadSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Index entries per segment object (56 bytes each; 65536 cover 4 GiB of volume in 3.5 MiB).</summary>
    public int IndexSegmentEntries { get; set; } = 65536;

    /// <summary>Cinder's backup_compression_algorithm: none, zlib, bz2, zstd.</summary>
    public string Compression { get; set; } = "zstd";

    /// <summary>
    /// The most chunk locations a backup holds in memory for dedup (about 80 bytes each: 512 Ki entries,
    /// about 40 MiB, cover 32 GiB of distinct 64 KiB chunks): three quarters for chunks the container
    /// already holds, the rest for the backup's own. Past it chunks are stored again, never lost; an
    /// incremental still finds its parent's chunks through the parent's index.
    /// </summary>
    public int DedupTableEntries { get; set; } = 512 * 1024;

    /// <summary>Client-side encryption of chunks and volume metadata; off unless a key is set.</summary>
    public EncryptionOptions Encryption { get; set; } = new();

    /// <summary>Pieces in flight at once (hash, compress) and runs fetched at once on restore; 0 means twice the processor count.</summary>
    public int Parallelism { get; set; }

    internal int EffectiveParallelism => Parallelism > 0 ? Parallelism : Math.Max(2, Environment.ProcessorCount * 2);

    /// <summary>Throws, naming the setting, when a value cannot work; a worker calls it at start.</summary>
    public void Validate()
    {
        if (ChunkSize is < 4096 or > 16 * 1024 * 1024 || ReadSize < ChunkSize || ReadSize % ChunkSize != 0)
        {
            throw new InvalidOperationException($"Engine ChunkSize must be 4 KiB..16 MiB and ReadSize a multiple of it (ChunkSize {ChunkSize}, ReadSize {ReadSize}).");
        }

        if (PackSize < ChunkSize || PackSize > 1024 * 1024 * 1024 || PackUploads < 1 || IndexSegmentEntries < 1 || DedupTableEntries < 4)
        {
            throw new InvalidOperationException($"Engine PackSize must be between ChunkSize and 1 GiB, PackUploads and IndexSegmentEntries at least 1, DedupTableEntries at least 4.");
        }

        Encryption.Validate();
    }
}
