namespace BackupPlatform.VolumeService;

/// <summary>Configuration section "BackupPlatform:Volumes".</summary>
public sealed class VolumeServiceOptions
{
    public const string Section = "BackupPlatform:Volumes";

    /// <summary>Where volume files live; workers on the same machine (or mount) open them from here.</summary>
    public string Path { get; set; } = "data/volumes";

    public string AvailabilityZone { get; set; } = "nova";

    /// <summary>This volume service's host name (Cinder's os-vol-host-attr:host).</summary>
    public string Host { get; set; } = Environment.MachineName;
}
