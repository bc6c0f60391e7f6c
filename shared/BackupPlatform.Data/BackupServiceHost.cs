namespace BackupPlatform.Data;

/// <summary>A worker host in the service registry (Cinder's services table, binary cinder-backup).</summary>
public sealed class BackupServiceHost
{
    public required string Host { get; set; }

    public required string AvailabilityZone { get; set; }

    public required string Store { get; set; }

    public required string Version { get; set; }

    public int ActiveOperations { get; set; }

    public int MaxOperations { get; set; }

    public bool Disabled { get; set; }

    /// <summary>The host said it is stopping: it finishes its work in flight and should be given no more.</summary>
    public bool Draining { get; set; }

    public string? DisabledReason { get; set; }

    public DateTime LastSeen { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>
    /// When a scheduler failed the host over (its queue handed on, its begun work ended); cleared by
    /// its next heartbeat. In the row, not in a scheduler's memory, so that with several scheduler
    /// replicas the host is failed over once.
    /// </summary>
    public DateTime? FailedOverAt { get; set; }

    /// <summary>A scheduler handed on the queue of this draining host; cleared when it heartbeats without draining.</summary>
    public bool QueueHandedOn { get; set; }
}
