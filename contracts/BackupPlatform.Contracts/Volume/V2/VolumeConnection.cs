namespace BackupPlatform.Contracts.Volume.V2;

/// <summary>
/// How to reach an exported volume, as Cinder's connection_info: a driver type (<see cref="DriverVolumeTypes"/>)
/// and its data. The reference volume service answers "file" (a path the worker opens directly) when the
/// worker's connector shows it sees the volume files, and "http" (the HTTP data path) otherwise.
/// </summary>
public sealed record VolumeConnection
{
    public required Guid VolumeId { get; init; }

    public required string DriverVolumeType { get; init; }

    /// <summary>For "file", the volume's file as the worker sees it; for "http", the connection's path on the volume service.</summary>
    public required string Path { get; init; }

    public required long SizeBytes { get; init; }
}
