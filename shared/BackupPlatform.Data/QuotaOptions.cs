namespace BackupPlatform.Data;

/// <summary>Configuration section "BackupPlatform:Quotas": the limits of a project no admin has set (Cinder's quota_backups, quota_backup_gigabytes).</summary>
public sealed class QuotaOptions
{
    public const string Section = "BackupPlatform:Quotas";

    public int Backups { get; set; } = 10;

    public int BackupGigabytes { get; set; } = 1000;
}
