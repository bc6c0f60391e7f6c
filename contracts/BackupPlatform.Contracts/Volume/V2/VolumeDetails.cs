namespace BackupPlatform.Contracts.Volume.V2;

public sealed record VolumeDetails
{
    public required Guid VolumeId { get; init; }

    public required string ProjectId { get; init; }

    public required string Status { get; init; }

    public string? PreviousStatus { get; init; }

    public required int SizeGb { get; init; }

    public required string AvailabilityZone { get; init; }

    public string? Name { get; init; }

    public string? Description { get; init; }

    /// <summary>The volume's user metadata (2.0, optional).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
