namespace BackupPlatform.Contracts.Volume.V2;

/// <summary>
/// How to reach an exported volume, as Cinder's connection_info: a driver type and its data.
/// The reference volume service exports "file" volumes: a path the worker opens directly.
/// </summary>
public sealed record VolumeConnection
{
    public required Guid VolumeId { get; init; }

    public required string DriverVolumeType { get; init; }

    public required string Path { get; init; }

    public required long SizeBytes { get; init; }
}
