using System.Text.Json;
using System.Text.Json.Serialization;

namespace BackupPlatform.Storage.Cinder;

/// <summary>
/// The two JSON files Cinder's chunked drivers (cinder/backup/chunkeddriver.py, format "1.0.0") write
/// next to a backup's objects: <c>&lt;prefix&gt;_metadata</c> and <c>&lt;prefix&gt;_sha256file</c>.
/// </summary>
public sealed record CinderBackupMetadata
{
    /// <summary>The only version Cinder has written and restores (DRIVER_VERSION_MAPPING).</summary>
    public const string SupportedVersion = "1.0.0";

    [JsonPropertyName("version")] public string? Version { get; init; }
    [JsonPropertyName("backup_id")] public string? BackupId { get; init; }
    [JsonPropertyName("volume_id")] public string? VolumeId { get; init; }
    [JsonPropertyName("parent_id")] public string? ParentId { get; init; }
    [JsonPropertyName("created_at")] public string? CreatedAt { get; init; }

    /// <summary>In backup order: one single-key object per stored object, its name to where its data goes.</summary>
    [JsonPropertyName("objects")] public List<Dictionary<string, CinderObject>> Objects { get; init; } = [];

    /// <summary>Cinder's versioned volume-metadata container as JSON text (BackupMetadataAPI.get), or null.</summary>
    [JsonPropertyName("volume_meta")] public string? VolumeMeta { get; init; }

    /// <summary>Driver-specific facts passed to its readers; the posix, NFS, Swift and S3 drivers write none.</summary>
    [JsonPropertyName("extra_metadata")] public JsonElement? ExtraMetadata { get; init; }

    public IEnumerable<(string Name, CinderObject Object)> ObjectsInOrder() =>
        Objects.SelectMany(entry => entry.Select(pair => (pair.Key, pair.Value)));
}

/// <summary>One stored object: <see cref="Length"/> plain bytes of the volume at <see cref="Offset"/>, stored compressed with <see cref="Compression"/>.</summary>
public sealed record CinderObject
{
    [JsonPropertyName("offset")] public long Offset { get; init; }
    [JsonPropertyName("length")] public long Length { get; init; }
    [JsonPropertyName("compression")] public string? Compression { get; init; }

    /// <summary>MD5 of the plain (decompressed) bytes, in hex.</summary>
    [JsonPropertyName("md5")] public string? Md5 { get; init; }
}

/// <summary>SHA-256 of every block of the whole volume as it was at this backup (incrementals included), in hex.</summary>
public sealed record CinderSha256File
{
    [JsonPropertyName("version")] public string? Version { get; init; }
    [JsonPropertyName("chunk_size")] public int ChunkSize { get; init; }
    [JsonPropertyName("sha256s")] public List<string> Sha256s { get; init; } = [];
}

/// <summary>Where one Cinder backup lies: its container and the prefix of its objects (the backup row's service_metadata).</summary>
public sealed record CinderBackupLocation(Guid BackupId, string Container, string ObjectPrefix)
{
    public string MetadataName => ObjectPrefix + "_metadata";

    public string Sha256FileName => ObjectPrefix + "_sha256file";
}

/// <summary>A Cinder backup's files read and checked against the store's listing.</summary>
public sealed record CinderBackup(CinderBackupLocation Location, CinderBackupMetadata Metadata, CinderSha256File Sha256File);
