namespace BackupPlatform.Contracts.Volume.V2;

public sealed record VolumeRequestDone
{
    public required Guid VolumeId { get; init; }

    public required string Status { get; init; }
}
