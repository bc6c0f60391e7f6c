using System.Text.Json.Serialization;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// The metadata object of a backup (backups/{id}/metadata.json), written last: a backup whose
/// manifest is missing is incomplete. Its layout is documented in docs/storage-format.md.
/// </summary>
public sealed record BackupManifest
{
    public const string FormatName = "backupplatform";
    /// <summary>
    /// 2: small chunks in packs, segmented binary index. Version 1 (a whole object per 4 MiB chunk) never left
    /// development. Dedup domains (<see cref="Naming"/>) came without a bump: a reader that ignores the field
    /// refuses every chunk as not matching its name, and a bump would have made an earlier worker's garbage
    /// collection take the new backups for deleted ones (docs/storage-format.md, "Versions").
    /// </summary>
    public const int CurrentFormatVersion = 2;

    [JsonPropertyName("format")]
    public string Format { get; init; } = FormatName;

    [JsonPropertyName("format_version")]
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    [JsonPropertyName("backup_id")]
    public required Guid BackupId { get; init; }

    [JsonPropertyName("volume_id")]
    public required Guid VolumeId { get; init; }

    [JsonPropertyName("size_bytes")]
    public required long SizeBytes { get; init; }

    [JsonPropertyName("chunk_size")]
    public required int ChunkSize { get; init; }

    [JsonPropertyName("compression")]
    public required string Compression { get; init; }

    [JsonPropertyName("chunk_count")]
    public required long ChunkCount { get; init; }

    [JsonPropertyName("zero_chunks")]
    public required long ZeroChunks { get; init; }

    /// <summary>The index segments in volume order, each with its SHA-256, so a restore notices a damaged index.</summary>
    [JsonPropertyName("index_segments")]
    public required IReadOnlyList<IndexSegment> IndexSegments { get; init; }

    [JsonPropertyName("created_at")]
    public required DateTime CreatedAt { get; init; }

    /// <summary>The dedup domain whose key named the chunks; absent from backups written before domains, named by SHA-256 (or by the encryption key alone).</summary>
    [JsonPropertyName("chunk_naming")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public BackupChunkNaming? Naming { get; init; }

    /// <summary>Set when the chunks are sealed (docs/storage-format.md, "Encryption"); the volume metadata is then sealed too.</summary>
    [JsonPropertyName("encryption")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public BackupEncryption? Encryption { get; init; }

    /// <summary>
    /// The volume's metadata (Cinder's BackupMetadataAPI container), opaque to the engine; in base64,
    /// sealed under the backup's key, when <see cref="Encryption"/> is set.
    /// </summary>
    [JsonPropertyName("volume_metadata")]
    public string? VolumeMetadata { get; init; }
}
