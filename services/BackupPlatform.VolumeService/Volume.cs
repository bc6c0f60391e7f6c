namespace BackupPlatform.VolumeService;

/// <summary>A volume of the reference volume service: a sparse file of <see cref="Size"/> GiB.</summary>
public sealed class Volume
{
    public Guid Id { get; set; }

    public required string ProjectId { get; set; }

    public required string UserId { get; set; }

    public string? Name { get; set; }

    public string? Description { get; set; }

    public required string Status { get; set; }

    /// <summary>The status before a reservation (backing-up, restoring-backup, uploading), restored when it ends.</summary>
    public string? PreviousStatus { get; set; }

    public int Size { get; set; }

    public required string AvailabilityZone { get; set; }

    public required string Host { get; set; }

    /// <summary>User metadata as a JSON object.</summary>
    public string? Metadata { get; set; }

    /// <summary>Set on a temporary volume made to back up an in-use volume: the backup it serves. Deleted when that backup ends.</summary>
    public Guid? TemporaryForBackupId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? UpdatedAt { get; set; }

    public DateTime? DeletedAt { get; set; }

    public bool Deleted { get; set; }
}
