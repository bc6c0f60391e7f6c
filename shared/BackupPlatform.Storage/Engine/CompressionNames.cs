namespace BackupPlatform.Storage.Engine;

public static class CompressionNames
{
    /// <summary>Parses Cinder's names ("none", "off", "no", "zlib", "gzip", "bz2", "bzip2", "zstd").</summary>
    public static Compression Parse(string? name) => (name ?? "zstd").Trim().ToLowerInvariant() switch
    {
        "none" or "off" or "no" => Compression.None,
        "zlib" or "gzip" => Compression.Zlib,
        "bz2" or "bzip2" => Compression.Bz2,
        "zstd" => Compression.Zstd,
        _ => throw new ArgumentException($"Unknown compression algorithm '{name}': use none, zlib, bz2 or zstd."),
    };

    public static string ToName(this Compression compression) => compression switch
    {
        Compression.None => "none",
        Compression.Zlib => "zlib",
        Compression.Bz2 => "bz2",
        Compression.Zstd => "zstd",
        _ => throw new ArgumentOutOfRangeException(nameof(compression)),
    };
}
