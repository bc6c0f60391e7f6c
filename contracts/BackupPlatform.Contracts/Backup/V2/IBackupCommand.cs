namespace BackupPlatform.Contracts.Backup.V2;

/// <summary>What every backup command carries: the backup it is about and the RPC version it was written for.</summary>
public interface IBackupCommand
{
    Guid BackupId { get; }

    string TargetVersion { get; }
}
