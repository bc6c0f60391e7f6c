namespace BackupPlatform.Contracts.Volume.V2;

/// <summary>Export a volume to a worker host. Answered by <see cref="VolumeConnection"/>.</summary>
public sealed record InitializeConnection
{
    public required Guid VolumeId { get; init; }

    /// <summary>The worker host that will attach the volume (Cinder's connector).</summary>
    public required string Host { get; init; }

    /// <summary>What the host can reach (optional): without it, a file connection, as before connectors.</summary>
    public VolumeConnector? Connector { get; init; }

    public string TargetVersion { get; init; } = RpcVersion.Current;
}
