namespace BackupPlatform.Storage.Engine;

public sealed record BackupRequest
{
    public required Guid BackupId { get; init; }

    public required Guid VolumeId { get; init; }

    /// <summary>The attached device to read (for the reference volume service, the volume's file).</summary>
    public required string DevicePath { get; init; }

    public required long SizeBytes { get; init; }

    public required string Container { get; init; }

    public string? VolumeMetadata { get; init; }

    /// <summary>The backup an incremental is based on: its index is followed chunk by chunk (<see cref="ParentIndex"/>).</summary>
    public Guid? ParentBackupId { get; init; }

    public IProgress<long>? Progress { get; init; }
}
