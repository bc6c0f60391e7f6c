namespace BackupPlatform.Data;

/// <summary>A project's own limit for one resource, set by an admin (os-quota-sets); without one the configured default holds.</summary>
public sealed class QuotaLimit
{
    public required string ProjectId { get; set; }

    /// <summary>"backups" or "backup_gigabytes".</summary>
    public required string Resource { get; set; }

    /// <summary>-1 means unlimited, as in Cinder.</summary>
    public int HardLimit { get; set; }

    public DateTime UpdatedAt { get; set; }
}
