namespace BackupPlatform.Contracts.Volume.V2;

/// <summary>
/// Ask which device a backup should read: the volume itself, or for an in-use volume a temporary
/// snapshot or volume (Cinder's get_backup_device). Answered by <see cref="BackupDevice"/>.
/// </summary>
public sealed record GetBackupDevice
{
    public required Guid VolumeId { get; init; }

    public required Guid BackupId { get; init; }

    /// <summary>For a backup of a snapshot (2.0, optional): the device is made from the snapshot.</summary>
    public Guid? SnapshotId { get; init; }

    public string TargetVersion { get; init; } = RpcVersion.Current;
}
