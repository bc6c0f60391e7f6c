namespace BackupPlatform.Contracts.Backup.V2;

/// <summary>
/// Verify an imported backup record against its store (Cinder's import_record cast): every object
/// its index names must be there. The backup then becomes available, or error with what is missing.
/// </summary>
public sealed record ImportBackup : IBackupCommand
{
    public required Guid BackupId { get; init; }

    public string? Host { get; init; }

    /// <inheritdoc/>
    public Guid? OperationId { get; init; }

    public string TargetVersion { get; init; } = RpcVersion.Current;
}
