namespace BackupPlatform.Contracts.Volume.V2;

/// <summary>Create a volume for a tenant, e.g. the target of a restore that names none. Answered by <see cref="VolumeDetails"/>.</summary>
public sealed record CreateVolume
{
    public required string ProjectId { get; init; }

    public required string UserId { get; init; }

    public required int SizeGb { get; init; }

    public string? Name { get; init; }

    public string? Description { get; init; }

    /// <summary>Null for the volume service's own zone.</summary>
    public string? AvailabilityZone { get; init; }

    public string TargetVersion { get; init; } = RpcVersion.Current;
}
