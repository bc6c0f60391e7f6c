using System.Text.Json.Serialization;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// The metadata object of a backup (backups/{id}/metadata.json), written last: a backup whose
/// manifest is missing is incomplete. Its layout is documented in docs/storage-format.md.
/// </summary>
public sealed record BackupManifest
{
    public const string FormatName = "backupplatform";
    public const int CurrentFormatVersion = 1;

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

    /// <summary>SHA-256 of the index object, so a restore notices a damaged index.</summary>
    [JsonPropertyName("index_sha256")]
    public required string IndexSha256 { get; init; }

    [JsonPropertyName("created_at")]
    public required DateTime CreatedAt { get; init; }

    /// <summary>The volume's metadata (Cinder's BackupMetadataAPI container), opaque to the engine.</summary>
    [JsonPropertyName("volume_metadata")]
    public string? VolumeMetadata { get; init; }
}
