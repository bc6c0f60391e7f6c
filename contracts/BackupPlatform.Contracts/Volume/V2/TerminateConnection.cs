namespace BackupPlatform.Contracts.Volume.V2;

/// <summary>Withdraw a worker host's export of a volume. Answered by <see cref="VolumeRequestDone"/>.</summary>
public sealed record TerminateConnection
{
    public required Guid VolumeId { get; init; }

    public required string Host { get; init; }

    public string TargetVersion { get; init; } = RpcVersion.Current;
}
