namespace BackupPlatform.Contracts.Volume.V2;

/// <summary>
/// End a reservation: move the volume to <see cref="Status"/>, or back to the status it had before
/// it was reserved when that is null. Answered by <see cref="VolumeRequestDone"/>.
/// </summary>
public sealed record ReleaseVolume
{
    public required Guid VolumeId { get; init; }

    public string? Status { get; init; }

    /// <summary>For a backup of a snapshot (2.0, optional): the snapshot goes back to available; the volume is left alone.</summary>
    public Guid? SnapshotId { get; init; }

    public string TargetVersion { get; init; } = RpcVersion.Current;
}
