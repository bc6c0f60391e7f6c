namespace BackupPlatform.Storage.Engine;

/// <summary>
/// One chunk of a backup, in volume order: its hash and where its blob is stored. A zero chunk has
/// <see cref="ChunkHash.Zero"/>, an empty pack and length 0.
/// </summary>
public readonly record struct IndexEntry(ChunkHash Hash, ChunkLocation Location)
{
    public bool IsZero => Hash.IsZero;
}
