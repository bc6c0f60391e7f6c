namespace BackupPlatform.Storage.Engine;

public sealed record BackupResult
{
    public required long ChunkCount { get; init; }

    public required long ZeroChunks { get; init; }

    /// <summary>Chunks this backup referenced that the store already held (dedup hits).</summary>
    public required long DedupedChunks { get; init; }

    /// <summary>Objects this backup wrote: new chunks plus its index and manifest.</summary>
    public required long ObjectsWritten { get; init; }

    public required long BytesUploaded { get; init; }

    /// <summary>Bytes read from the device: less than its size when holes of a sparse device were skipped.</summary>
    public required long BytesRead { get; init; }

    /// <summary>Why an incremental could not follow its parent's index to the end (its backup is whole all the same), or null.</summary>
    public string? ParentUnreadable { get; init; }
}
