namespace BackupPlatform.Scheduler;

/// <summary>Configuration section "BackupPlatform:Scheduler".</summary>
public sealed class SchedulerOptions
{
    public const string Section = "BackupPlatform:Scheduler";

    /// <summary>Cinder's service_down_time: a host whose last heartbeat is older than this is down.</summary>
    public TimeSpan ServiceDownTime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a command waits for a live host (e.g. while workers start) before its backup fails.</summary>
    public TimeSpan NoHostGracePeriod { get; set; } = TimeSpan.FromSeconds(15);
}
