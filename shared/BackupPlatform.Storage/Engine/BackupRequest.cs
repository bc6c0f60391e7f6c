using BackupPlatform.Storage.Devices;

namespace BackupPlatform.Storage.Engine;

public sealed record BackupRequest
{
    public required Guid BackupId { get; init; }

    public required Guid VolumeId { get; init; }

    /// <summary>The project that owns the backup: its chunks are named, and dedup, in that project's domain only.</summary>
    public required string ProjectId { get; init; }

    /// <summary>The attached device to read, as its connector opened it; the caller disposes of it.</summary>
    public IVolumeDevice? Device { get; init; }

    /// <summary>Without <see cref="Device"/>: a file to read (opened and closed by the writer).</summary>
    public string? DevicePath { get; init; }

    public required long SizeBytes { get; init; }

    public required string Container { get; init; }

    public string? VolumeMetadata { get; init; }

    /// <summary>The backup an incremental is based on: its index is followed chunk by chunk (<see cref="ParentIndex"/>).</summary>
    public Guid? ParentBackupId { get; init; }

    public IProgress<long>? Progress { get; init; }
}
