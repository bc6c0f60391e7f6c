namespace BackupPlatform.Data;

/// <summary>Why a reservation was refused, in Cinder's words (its exception class name leads the message).</summary>
public sealed record QuotaExceeded(string Resource, long Requested, int Limit, long InUse)
{
    public string Message => Resource == QuotaResources.BackupGigabytes
        ? $"VolumeBackupSizeExceedsAvailableQuota: Requested backup exceeds allowed Backup gigabytes quota. Requested {Requested}G, quota is {Limit}G and {InUse}G has been consumed."
        : $"BackupLimitExceeded: Maximum number of backups allowed ({Limit}) exceeded";
}
