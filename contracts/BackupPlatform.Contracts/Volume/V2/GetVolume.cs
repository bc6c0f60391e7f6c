namespace BackupPlatform.Contracts.Volume.V2;

/// <summary>Look a volume up. Answered by <see cref="VolumeDetails"/> or <see cref="VolumeRequestRefused"/> (not found).</summary>
public sealed record GetVolume
{
    public required Guid VolumeId { get; init; }

    /// <summary>The caller's project; null for a service-internal lookup that may see every project.</summary>
    public string? ProjectId { get; init; }

    public string TargetVersion { get; init; } = RpcVersion.Current;
}
