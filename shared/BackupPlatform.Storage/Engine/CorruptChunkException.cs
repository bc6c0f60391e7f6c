namespace BackupPlatform.Storage.Engine;

/// <summary>A stored object failed verification: a restore stops rather than write wrong data.</summary>
public sealed class CorruptChunkException(string objectName, long offset, string detail, Exception? inner = null)
    : Exception($"Chunk {objectName} (volume offset {offset}) failed verification: {detail}", inner)
{
    public string ObjectName { get; } = objectName;

    public long Offset { get; } = offset;
}
