using System.Text.Json.Serialization;

namespace BackupPlatform.Storage.Engine;

/// <summary>The content of locks/{backup}: which backup is running since when (docs/storage-format.md, garbage collection).</summary>
public sealed record BackupLock(
    [property: JsonPropertyName("backup_id")] Guid BackupId,
    [property: JsonPropertyName("started_at")] DateTime StartedAt);
