using BackupPlatform.Contracts;
using BackupPlatform.Contracts.Backup.V2;
using BackupPlatform.Data;
using MassTransit;

namespace BackupPlatform.Worker;

/// <summary>
/// Consumes the backup commands on this host's own queue. A command of a major version this worker
/// does not speak fails its backup with the reason and goes to the error queue; a command for a
/// backup already running here is a redelivery and is dropped.
/// </summary>
public sealed class BackupCommandConsumer(BackupManager manager, OperationSlots slots, BackupDbContext db, ILogger<BackupCommandConsumer> logger) :
    IConsumer<CreateBackup>,
    IConsumer<RestoreBackup>,
    IConsumer<DeleteBackup>,
    IConsumer<ImportBackup>
{
    public Task Consume(ConsumeContext<CreateBackup> context) =>
        RunAsync(context.Message, BackupStatus.Creating, () => manager.CreateAsync(context.Message.BackupId, context.CancellationToken), context.CancellationToken);

    public Task Consume(ConsumeContext<RestoreBackup> context) =>
        RunAsync(context.Message, BackupStatus.Restoring, () => manager.RestoreAsync(context.Message.BackupId, context.Message.VolumeId, context.CancellationToken), context.CancellationToken);

    public Task Consume(ConsumeContext<DeleteBackup> context) =>
        RunAsync(context.Message, BackupStatus.Deleting, () => manager.DeleteAsync(context.Message.BackupId, context.CancellationToken), context.CancellationToken);

    public Task Consume(ConsumeContext<ImportBackup> context) =>
        RunAsync(context.Message, BackupStatus.Creating, () => manager.ImportAsync(context.Message.BackupId, context.CancellationToken), context.CancellationToken);

    private async Task RunAsync(IBackupCommand command, string expectedStatus, Func<Task> workflow, CancellationToken cancellationToken)
    {
        if (!RpcVersion.IsSupported(command.TargetVersion, out var reason))
        {
            await db.FailAsync(command.BackupId, expectedStatus, reason, cancellationToken);
            throw new UnsupportedRpcVersionException(reason);
        }

        if (!slots.TryEnter(command.BackupId))
        {
            logger.LogInformation("Backup {BackupId} is already being worked on here: redelivery dropped", command.BackupId);
            return;
        }

        try
        {
            await workflow();
        }
        finally
        {
            slots.Leave(command.BackupId);
        }
    }
}
