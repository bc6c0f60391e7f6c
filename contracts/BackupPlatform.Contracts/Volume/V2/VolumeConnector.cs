namespace BackupPlatform.Contracts.Volume.V2;

/// <summary>
/// What a worker host can reach, sent with <see cref="InitializeConnection"/> (os-brick's connector
/// properties): the volume service picks the connection type from it. An additive field of 2.0
/// (nullable, as the versioning rule asks): a sender without it gets a file connection.
/// </summary>
public sealed record VolumeConnector
{
    /// <summary>The marker file the volume service keeps in its volumes directory, holding its random file-system id.</summary>
    public const string MarkerFileName = ".backupplatform-volumes-id";

    /// <summary>
    /// The file-system id the worker read from the volume service's marker file in its own view of the
    /// volumes directory, or null when it found none there: a match means the worker sees the volume
    /// files and gets a <see cref="DriverVolumeTypes.File"/> connection.
    /// </summary>
    public string? VolumesFileSystemId { get; init; }

    /// <summary>Where the worker found that marker (absolute): a file connection's path is under it.</summary>
    public string? VolumesPath { get; init; }
}
