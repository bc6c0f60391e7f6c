namespace BackupPlatform.Contracts.Volume.V2;

public sealed record BackupDevice
{
    /// <summary>The volume to attach: the source volume, or a temporary one made for this backup.</summary>
    public required Guid DeviceVolumeId { get; init; }

    public bool IsTemporary { get; init; }
}
