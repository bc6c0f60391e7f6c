namespace BackupPlatform.Contracts.Volume.V2;

/// <summary>The answer to any volume request the volume service will not carry out, with the reason a tenant may read.</summary>
public sealed record VolumeRequestRefused
{
    public required Guid VolumeId { get; init; }

    public required string Reason { get; init; }

    /// <summary>True when the volume does not exist (or is not the caller's): the API answers 404, not 400.</summary>
    public bool NotFound { get; init; }
}
