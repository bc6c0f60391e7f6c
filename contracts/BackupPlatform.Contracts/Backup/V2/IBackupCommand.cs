namespace BackupPlatform.Contracts.Backup.V2;

/// <summary>What every backup command carries: the backup it is about, the operation it asks for and the RPC version it was written for.</summary>
public interface IBackupCommand
{
    Guid BackupId { get; }

    /// <summary>
    /// The operation this command asks for (2.1, optional): new for each request the API accepts, the same on
    /// every redelivery, re-route or replay of it. A worker running this operation drops the command as a
    /// redelivery; a command of another operation for the same backup is new work. Null from a 2.0 sender.
    /// </summary>
    Guid? OperationId { get; }

    string TargetVersion { get; }
}
