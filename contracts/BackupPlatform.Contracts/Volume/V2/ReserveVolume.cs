namespace BackupPlatform.Contracts.Volume.V2;

/// <summary>
/// Atomically check a volume's status and move it to backing-up (for a backup) or restoring-backup
/// (for a restore), remembering its previous status. Answered by <see cref="VolumeReserved"/> or
/// <see cref="VolumeRequestRefused"/>.
/// </summary>
public sealed record ReserveVolume
{
    public required Guid VolumeId { get; init; }

    /// <summary>The caller's project; a volume of another project is reported as not found.</summary>
    public string? ProjectId { get; init; }

    public required VolumePurpose Purpose { get; init; }

    /// <summary>Allow an in-use volume to be backed up (Cinder's force flag).</summary>
    public bool Force { get; init; }

    /// <summary>
    /// For a backup of a snapshot (2.0, optional): the snapshot, which must be of this volume and
    /// available, moves to backing-up instead of the volume.
    /// </summary>
    public Guid? SnapshotId { get; init; }

    /// <summary>For a restore: the volume must hold at least this many GiB.</summary>
    public int MinimumSizeGb { get; init; }

    public string TargetVersion { get; init; } = RpcVersion.Current;
}
