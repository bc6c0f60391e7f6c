namespace BackupPlatform.Hosting;

/// <summary>Configuration section "BackupPlatform:VolumeService": how a service reaches the volume service.</summary>
public sealed class VolumeServiceClientOptions
{
    public const string Section = "BackupPlatform:VolumeService";

    /// <summary>
    /// The volume service's base URL. When set, the contract goes over HTTP instead of the bus; the
    /// API uses this so that it can accept work while the broker is down.
    /// </summary>
    public string? Url { get; set; }

    /// <summary>Shared secret callers present on the volume service's internal endpoints (which refuse all calls without one).</summary>
    public string? ServiceToken { get; set; }
}
