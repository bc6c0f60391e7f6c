namespace BackupPlatform.Contracts.Volume.V2;

public sealed record VolumeReserved
{
    public required Guid VolumeId { get; init; }

    public required string PreviousStatus { get; init; }

    public required string Status { get; init; }

    public required int SizeGb { get; init; }

    public required string AvailabilityZone { get; init; }

    /// <summary>When the reservation was of a snapshot: when the snapshot was taken (the backup's data_timestamp).</summary>
    public DateTime? SnapshotCreatedAt { get; init; }

    /// <summary>The volume service host that serves the volume (for backup_use_same_host).</summary>
    public string? Host { get; init; }
}
