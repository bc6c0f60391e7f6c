namespace BackupPlatform.Storage.Engine;

/// <summary>Object names inside a container (docs/storage-format.md).</summary>
public static class StoreLayout
{
    public const string ChunkPrefix = "chunks/";
    public const string BackupPrefix = "backups/";

    /// <summary>A chunk is named by the SHA-256 of its plain bytes, fanned out by the first two hex digits.</summary>
    public static string Chunk(string sha256Hex) => $"{ChunkPrefix}{sha256Hex[..2]}/{sha256Hex}";

    public static string Index(Guid backupId) => $"{BackupPrefix}{backupId}/index";

    public static string Manifest(Guid backupId) => $"{BackupPrefix}{backupId}/metadata.json";
}
