namespace BackupPlatform.Worker;

/// <summary>Configuration section "BackupPlatform:Worker".</summary>
public sealed class WorkerOptions
{
    public const string Section = "BackupPlatform:Worker";

    /// <summary>This worker's host name: its queue is backup-worker.{Host}. Must be unique in the deployment.</summary>
    public string Host { get; set; } = Environment.MachineName;

    public string AvailabilityZone { get; set; } = "nova";

    /// <summary>Cinder's backup_max_operations: operations this host runs at once (0 = unlimited).</summary>
    public int MaxOperations { get; set; } = 15;

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);
}
