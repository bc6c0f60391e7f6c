namespace BackupPlatform.Contracts.Backup.V2;

/// <summary>Remove a backup's data from its store; the row is soft-deleted when done.</summary>
public sealed record DeleteBackup : IBackupCommand
{
    public required Guid BackupId { get; init; }

    public string? Host { get; init; }

    /// <inheritdoc/>
    public Guid? OperationId { get; init; }

    public string TargetVersion { get; init; } = RpcVersion.Current;
}
