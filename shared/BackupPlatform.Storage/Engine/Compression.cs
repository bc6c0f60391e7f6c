namespace BackupPlatform.Storage.Engine;

/// <summary>Cinder's backup_compression_algorithm values; the byte is what a chunk object's header records.</summary>
public enum Compression : byte
{
    None = 0,
    Zlib = 1,
    Bz2 = 2,
    Zstd = 3,
}
