using BackupPlatform.Contracts;
using BackupPlatform.Contracts.Backup.V2;
using System.Diagnostics;
using BackupPlatform.Data;
using BackupPlatform.Hosting.Journal;
using BackupPlatform.Hosting.Lifecycle;
using MassTransit;

namespace BackupPlatform.Worker;

/// <summary>
/// Consumes the backup commands on this host's own queue. A command of a major version this worker
/// does not speak fails its backup with the reason and goes to the error queue; a command of the
/// operation already running on its backup here is a redelivery and is dropped, a command of another
/// operation waits for that one to end (<see cref="OperationSlots"/>). A replayed create may re-arm a backup
/// the store failed (<see cref="FailedBackupRearm"/>). The work runs under <see cref="DrainDeadline"/>,
/// not under the message's token: a broker outage leaves it running.
/// </summary>
public sealed class BackupCommandConsumer(
    BackupManager manager,
    OperationSlots slots,
    BackupLifecycle lifecycle,
    FailedBackupRearm rearm,
    ConsumeNote note,
    DrainDeadline deadline,
    WorkerOptions worker,
    ILogger<BackupCommandConsumer> logger) :
    IConsumer<CreateBackup>,
    IConsumer<RestoreBackup>,
    IConsumer<DeleteBackup>,
    IConsumer<ImportBackup>
{
    public Task Consume(ConsumeContext<CreateBackup> context) =>
        RunAsync(context.Message, BackupStatus.Creating, "create", async () =>
        {
            if (context.Headers.TryGetHeader(JournalHeaders.ReplayOf, out _))
            {
                await rearm.RearmAsync(context.Message, deadline.Token);
            }

            await manager.CreateAsync(context.Message.BackupId, deadline.Token);
        });

    public Task Consume(ConsumeContext<RestoreBackup> context) =>
        RunAsync(context.Message, BackupStatus.Restoring, "restore", () => manager.RestoreAsync(context.Message.BackupId, context.Message.VolumeId, deadline.Token));

    public Task Consume(ConsumeContext<DeleteBackup> context) =>
        RunAsync(context.Message, BackupStatus.Deleting, "delete", () => manager.DeleteAsync(context.Message.BackupId, deadline.Token));

    public Task Consume(ConsumeContext<ImportBackup> context) =>
        RunAsync(context.Message, BackupStatus.Creating, "import", () => manager.ImportAsync(context.Message.BackupId, deadline.Token));

    private async Task RunAsync(IBackupCommand command, string expectedStatus, string operation, Func<Task> workflow)
    {
        if (!RpcVersion.IsSupported(command.TargetVersion, out var reason))
        {
            await lifecycle.RefuseAsync(command.BackupId, expectedStatus, reason, deadline.Token);
            throw new UnsupportedRpcVersionException(reason);
        }

        if (await slots.EnterAsync(command.BackupId, command.OperationId, worker.BusyBackupWait, deadline.Token) == OperationSlots.Entry.Redelivery)
        {
            logger.LogInformation("Backup {BackupId} is already running operation {OperationId} here: redelivery dropped", command.BackupId, command.OperationId);
            note.Skipped("the backup's operation is already running here: redelivery dropped");
            return;
        }

        var started = Stopwatch.GetTimestamp();
        WorkerMetrics.Started(operation);
        try
        {
            await workflow();
        }
        finally
        {
            WorkerMetrics.Finished(operation, Stopwatch.GetElapsedTime(started));
            slots.Leave(command.BackupId);
        }
    }
}
