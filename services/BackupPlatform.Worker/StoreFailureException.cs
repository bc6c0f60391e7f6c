namespace BackupPlatform.Worker;

/// <summary>
/// The store failed a backup (unreachable, refusing, full) after the engine's retries. The backup is
/// in error as Cinder leaves it, and the command faults too: it then sits in the worker's error queue
/// and in the message journal as faulted, for an operator to replay once the store is back
/// (<see cref="FailedBackupRearm"/>).
/// </summary>
public sealed class StoreFailureException(Guid backupId, string reason, Exception innerException)
    : Exception($"Backup {backupId} failed in the store: {reason}", innerException)
{
    public Guid BackupId { get; } = backupId;
}
