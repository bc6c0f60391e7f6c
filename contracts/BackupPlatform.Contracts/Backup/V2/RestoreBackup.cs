namespace BackupPlatform.Contracts.Backup.V2;

/// <summary>Restore a backup into a volume already reserved (restoring-backup) by the API.</summary>
public sealed record RestoreBackup : IBackupCommand
{
    public required Guid BackupId { get; init; }

    public required Guid VolumeId { get; init; }

    public string? Host { get; init; }

    /// <inheritdoc/>
    public Guid? OperationId { get; init; }

    public string TargetVersion { get; init; } = RpcVersion.Current;
}
