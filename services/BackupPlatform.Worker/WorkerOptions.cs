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

    /// <summary>
    /// How long a stopping worker (SIGTERM: a scale-down, a rolling update) lets the backups, restores
    /// and deletes it has begun run to their end before it cancels them. It takes no new work meanwhile
    /// and keeps its heartbeat, so the scheduler neither fails its work over nor loses what queues for it
    /// (that is moved to other hosts once it is gone). Kubernetes' terminationGracePeriodSeconds must be longer.
    /// </summary>
    public TimeSpan ShutdownDrainTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a command of a new operation waits for the operation running on its backup here to end (a
    /// restore being cancelled, a create after a reset-status); longer, and the command faults and is retried.
    /// </summary>
    public TimeSpan BusyBackupWait { get; set; } = TimeSpan.FromMinutes(10);
}
