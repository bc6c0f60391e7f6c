namespace BackupPlatform.Data;

/// <summary>A backup row: Cinder's backup fields (cinder/objects/backup.py), snake_case in the table.</summary>
public sealed class Backup
{
    public Guid Id { get; set; }

    public required string ProjectId { get; set; }

    public required string UserId { get; set; }

    public Guid VolumeId { get; set; }

    public Guid? SnapshotId { get; set; }

    public required string Status { get; set; }

    public string? FailReason { get; set; }

    /// <summary>Size in GiB: the volume's size at backup time.</summary>
    public int Size { get; set; }

    public int ObjectCount { get; set; }

    public string? Container { get; set; }

    /// <summary>The store driver that holds the data ("posix", "swift", "s3").</summary>
    public string? Service { get; set; }

    /// <summary>Driver-specific facts needed to read the backup back (format version, chunk size, compression).</summary>
    public string? ServiceMetadata { get; set; }

    public string? AvailabilityZone { get; set; }

    public string? Host { get; set; }

    public Guid? ParentId { get; set; }

    public int NumDependentBackups { get; set; }

    public bool IsIncremental { get; set; }

    public DateTime? DataTimestamp { get; set; }

    public string? DisplayName { get; set; }

    public string? DisplayDescription { get; set; }

    /// <summary>User metadata (API 3.43) as a JSON object.</summary>
    public string? Metadata { get; set; }

    public Guid? RestoreVolumeId { get; set; }

    public Guid? TempVolumeId { get; set; }

    public Guid? TempSnapshotId { get; set; }

    /// <summary>
    /// When a worker host began the create, restore or delete now in progress; null while the command
    /// is only queued. It tells work a dead or restarted host had in hand from work still waiting for it.
    /// </summary>
    public DateTime? WorkStartedAt { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? UpdatedAt { get; set; }

    public DateTime? DeletedAt { get; set; }

    public bool Deleted { get; set; }

    /// <summary>Made by Cinder and imported: restorable, read-only to BackupPlatform (<see cref="CinderFormat"/>). Not a column.</summary>
    public bool IsCinderFormat => CinderFormat.IsCinderChunked(ServiceMetadata);
}
