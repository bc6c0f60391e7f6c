namespace BackupPlatform.Data;

/// <summary>How the service registry judges liveness; read by the scheduler and by the API's os-services view alike.</summary>
public sealed class ServiceRegistryOptions
{
    public const string Section = "BackupPlatform:Scheduler";

    /// <summary>Cinder's service_down_time: a host whose last heartbeat is older than this is down.</summary>
    public TimeSpan ServiceDownTime { get; set; } = TimeSpan.FromSeconds(60);

    public bool IsUp(BackupServiceHost host, DateTime now) => host.LastSeen >= now - ServiceDownTime;
}
