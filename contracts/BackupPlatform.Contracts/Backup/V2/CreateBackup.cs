namespace BackupPlatform.Contracts.Backup.V2;

/// <summary>
/// Back up a volume (Cinder's create_backup cast). Sent by the API to the scheduler, which forwards it
/// to the chosen worker host's queue with <see cref="Host"/> set.
/// </summary>
public sealed record CreateBackup : IBackupCommand
{
    public required Guid BackupId { get; init; }

    public required Guid VolumeId { get; init; }

    public Guid? SnapshotId { get; init; }

    public required string AvailabilityZone { get; init; }

    /// <summary>The volume service host that holds the volume, for backup_use_same_host (2.0, optional).</summary>
    public string? VolumeHost { get; init; }

    /// <summary>The worker host the scheduler chose; null until scheduled.</summary>
    public string? Host { get; init; }

    /// <inheritdoc/>
    public Guid? OperationId { get; init; }

    public string TargetVersion { get; init; } = RpcVersion.Current;
}
