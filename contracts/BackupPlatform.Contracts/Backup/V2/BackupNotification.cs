namespace BackupPlatform.Contracts.Backup.V2;

/// <summary>
/// A notification about a backup, published (fan-out) as Cinder's notifier emits them:
/// backup.create.start, backup.createprogress, backup.create.end, and the same for restore,
/// delete and reset_status. The payload carries the fields of Cinder's _usage_from_backup.
/// </summary>
public sealed record BackupNotification
{
    /// <summary>e.g. "backup.create.start".</summary>
    public required string EventType { get; init; }

    public required Guid BackupId { get; init; }

    public required string TenantId { get; init; }

    public required string UserId { get; init; }

    public string? DisplayName { get; init; }

    public string? AvailabilityZone { get; init; }

    public string? Host { get; init; }

    public required Guid VolumeId { get; init; }

    public Guid? SnapshotId { get; init; }

    public required string Status { get; init; }

    public int Size { get; init; }

    public string? Service { get; init; }

    public string? ServiceMetadata { get; init; }

    public string? FailReason { get; init; }

    public required DateTime CreatedAt { get; init; }

    /// <summary>For *progress events: how far the operation is, 0–100.</summary>
    public int? Percent { get; init; }

    public required DateTime Timestamp { get; init; }
}
