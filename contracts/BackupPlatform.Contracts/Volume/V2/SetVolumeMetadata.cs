namespace BackupPlatform.Contracts.Volume.V2;

/// <summary>Merge keys into a volume's user metadata (a restore puts the backed-up metadata back). Answered by <see cref="VolumeRequestDone"/>.</summary>
public sealed record SetVolumeMetadata
{
    public required Guid VolumeId { get; init; }

    public required IReadOnlyDictionary<string, string> Metadata { get; init; }

    public string TargetVersion { get; init; } = RpcVersion.Current;
}
