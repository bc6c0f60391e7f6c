namespace BackupPlatform.Storage.Engine;

/// <summary>A stored chunk failed verification: a restore stops rather than write wrong data.</summary>
public sealed class CorruptChunkException(string chunk, string pack, long offset, string detail, Exception? inner = null)
    : Exception($"Chunk {chunk} in {pack} (volume offset {offset}) failed verification: {detail}", inner)
{
    /// <summary>The chunk's SHA-256 in hex.</summary>
    public string Chunk { get; } = chunk;

    /// <summary>The name of the pack object that holds it.</summary>
    public string Pack { get; } = pack;

    public long Offset { get; } = offset;
}
