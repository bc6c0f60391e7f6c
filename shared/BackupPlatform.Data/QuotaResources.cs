namespace BackupPlatform.Data;

/// <summary>The quota resources this service owns, by Cinder's names.</summary>
public static class QuotaResources
{
    public const string Backups = "backups";

    public const string BackupGigabytes = "backup_gigabytes";
}
