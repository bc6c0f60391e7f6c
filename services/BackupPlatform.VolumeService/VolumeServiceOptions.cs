namespace BackupPlatform.VolumeService;

/// <summary>Configuration section "BackupPlatform:Volumes".</summary>
public sealed class VolumeServiceOptions
{
    public const string Section = "BackupPlatform:Volumes";

    /// <summary>Where volume files live; workers on the same machine (or mount) open them from here.</summary>
    public string Path { get; set; } = "data/volumes";

    /// <summary>The zone of a volume created without one.</summary>
    public string AvailabilityZone { get; set; } = "nova";

    /// <summary>Further zones this service serves (a reference service may stand in for several storage back ends).</summary>
    public List<string> AdditionalZones { get; set; } = [];

    public bool Serves(string zone) => zone == AvailabilityZone || AdditionalZones.Contains(zone);

    /// <summary>This volume service's host name (Cinder's os-vol-host-attr:host).</summary>
    public string Host { get; set; } = Environment.MachineName;

    /// <summary>Volumes a project may hold (Cinder's quota_volumes; -1 unlimited). Temporary copies made for backups do not count.</summary>
    public int QuotaVolumes { get; set; } = 10;

    /// <summary>GiB of volumes a project may hold (Cinder's quota_gigabytes; -1 unlimited).</summary>
    public int QuotaGigabytes { get; set; } = 1000;
}
