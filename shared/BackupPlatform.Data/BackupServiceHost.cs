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
}
