namespace BackupPlatform.Contracts.Volume.V2;

/// <summary>Why a volume is reserved: it decides the status it moves to (backing-up or restoring-backup).</summary>
public enum VolumePurpose
{
    Backup,
    Restore,
}
