using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BackupPlatform.Data;

/// <summary>
/// The backup_url of export-record / import-record: base64 of a JSON object with every field needed
/// to re-create the backup row in an empty database (Cinder's Backup.encode_record), plus driver_info.
/// </summary>
public sealed record BackupRecord
{
    [JsonPropertyName("id")] public Guid Id { get; init; }
    [JsonPropertyName("user_id")] public string? UserId { get; init; }
    [JsonPropertyName("project_id")] public string? ProjectId { get; init; }
    [JsonPropertyName("volume_id")] public Guid VolumeId { get; init; }
    [JsonPropertyName("snapshot_id")] public Guid? SnapshotId { get; init; }
    [JsonPropertyName("host")] public string? Host { get; init; }
    [JsonPropertyName("availability_zone")] public string? AvailabilityZone { get; init; }
    [JsonPropertyName("container")] public string? Container { get; init; }
    [JsonPropertyName("parent_id")] public Guid? ParentId { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("fail_reason")] public string? FailReason { get; init; }
    [JsonPropertyName("size")] public int? Size { get; init; }
    [JsonPropertyName("display_name")] public string? DisplayName { get; init; }
    [JsonPropertyName("display_description")] public string? DisplayDescription { get; init; }
    [JsonPropertyName("service_metadata")] public string? ServiceMetadata { get; init; }
    [JsonPropertyName("service")] public string? Service { get; init; }
    [JsonPropertyName("object_count")] public int ObjectCount { get; init; }
    [JsonPropertyName("num_dependent_backups")] public int NumDependentBackups { get; init; }
    [JsonPropertyName("data_timestamp")] public DateTime? DataTimestamp { get; init; }
    /// <summary>As JSON text; Cinder's own records carry an object here, BackupPlatform's a string.</summary>
    [JsonPropertyName("metadata")]
    [JsonConverter(typeof(JsonTextConverter))]
    public string? Metadata { get; init; }
    [JsonPropertyName("created_at")] public DateTime CreatedAt { get; init; }
    [JsonPropertyName("updated_at")] public DateTime? UpdatedAt { get; init; }
    [JsonPropertyName("deleted_at")] public DateTime? DeletedAt { get; init; }
    [JsonPropertyName("deleted")] public bool Deleted { get; init; }
    [JsonPropertyName("encryption_key_id")] public string? EncryptionKeyId { get; init; }
    [JsonPropertyName("driver_info")] public Dictionary<string, string> DriverInfo { get; init; } = [];

    public static BackupRecord Of(Backup backup) => new()
    {
        Id = backup.Id,
        UserId = backup.UserId,
        ProjectId = backup.ProjectId,
        VolumeId = backup.VolumeId,
        SnapshotId = backup.SnapshotId,
        Host = backup.Host,
        AvailabilityZone = backup.AvailabilityZone,
        Container = backup.Container,
        ParentId = backup.ParentId,
        Status = backup.Status,
        FailReason = backup.FailReason,
        Size = backup.Size,
        DisplayName = backup.DisplayName,
        DisplayDescription = backup.DisplayDescription,
        // Rows written before service_metadata named the manifest get its name here: the record must locate the data by itself.
        ServiceMetadata = BackupServiceMetadata.WithManifest(backup.ServiceMetadata, backup.Id),
        Service = backup.Service,
        ObjectCount = backup.ObjectCount,
        NumDependentBackups = backup.NumDependentBackups,
        DataTimestamp = backup.DataTimestamp,
        Metadata = backup.Metadata,
        CreatedAt = backup.CreatedAt,
        UpdatedAt = backup.UpdatedAt,
        DeletedAt = backup.DeletedAt,
        Deleted = backup.Deleted,
    };

    public string Encode() => Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(this));

    /// <summary>Null when the text is not base64 of a JSON record.</summary>
    public static BackupRecord? Decode(string url)
    {
        try
        {
            return JsonSerializer.Deserialize<BackupRecord>(Convert.FromBase64String(url));
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Reads a JSON string as itself and any other JSON value as its text; writes a string.</summary>
    private sealed class JsonTextConverter : JsonConverter<string?>
    {
        public override bool HandleNull => true;

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.String => reader.GetString(),
            _ => JsonDocument.ParseValue(ref reader).RootElement.GetRawText(),
        };

        public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
        {
            if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteStringValue(value);
            }
        }
    }
}
