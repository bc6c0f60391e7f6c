namespace BackupPlatform.Storage.Engine;

/// <summary>Configuration section "BackupPlatform:Engine".</summary>
public sealed class EngineOptions
{
    public const string Section = "BackupPlatform:Engine";

    /// <summary>Bytes per chunk; Cinder's backup_*_object_size analogue.</summary>
    public int ChunkSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Cinder's backup_compression_algorithm: none, zlib, bz2, zstd.</summary>
    public string Compression { get; set; } = "zstd";

    /// <summary>Chunks in flight at once (hash, compress, upload); 0 means twice the processor count.</summary>
    public int Parallelism { get; set; }

    internal int EffectiveParallelism => Parallelism > 0 ? Parallelism : Math.Max(2, Environment.ProcessorCount * 2);
}
