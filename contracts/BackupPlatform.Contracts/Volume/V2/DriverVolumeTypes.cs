namespace BackupPlatform.Contracts.Volume.V2;

/// <summary>The values of <see cref="VolumeConnection.DriverVolumeType"/> (Cinder's driver_volume_type): each names a connector.</summary>
public static class DriverVolumeTypes
{
    /// <summary>The worker opens <see cref="VolumeConnection.Path"/>, a file it shares with the volume service.</summary>
    public const string File = "file";

    /// <summary>
    /// The worker reads and writes the volume's bytes over HTTP: <see cref="VolumeConnection.Path"/> is the
    /// connection's address relative to the volume service's base URL (docs/volume-data-http.md).
    /// </summary>
    public const string Http = "http";
}
