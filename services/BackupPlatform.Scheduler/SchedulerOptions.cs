namespace BackupPlatform.Scheduler;

/// <summary>Configuration section "BackupPlatform:Scheduler" (ServiceDownTime is read with it, by <see cref="BackupPlatform.Data.ServiceRegistryOptions"/>).</summary>
public sealed class SchedulerOptions
{
    public const string Section = "BackupPlatform:Scheduler";

    /// <summary>How long a command waits for a live host (e.g. while workers start) before its backup fails.</summary>
    public TimeSpan NoHostGracePeriod { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Cinder's backup_use_same_host: back a volume up on its own host when that host runs a worker.</summary>
    public bool UseSameHost { get; set; }

    /// <summary>
    /// Commands one scheduler replica routes at once. A command waiting for a host (up to
    /// NoHostGracePeriod) holds one of these and no other: the rest route meanwhile. Routing decisions
    /// of one zone are serialized in the database, not by this number, so it is safe at any value and
    /// with any number of replicas.
    /// </summary>
    public int RoutingConcurrency { get; set; } = 64;

    /// <summary>How often the registry is checked for hosts that went down.</summary>
    public TimeSpan FailoverInterval { get; set; } = TimeSpan.FromSeconds(5);
}
