using BackupPlatform.Contracts;
using BackupPlatform.Contracts.Backup.V2;
using BackupPlatform.Data;
using BackupPlatform.Hosting;
using BackupPlatform.Hosting.Journal;
using BackupPlatform.Hosting.Lifecycle;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Scheduler;

/// <summary>
/// Routes backup commands from the scheduler queue to a worker host's own queue. A backup that no
/// host can take fails with Cinder's reason instead of waiting forever.
/// </summary>
public sealed class BackupRoutingConsumer(
    BackupDbContext db,
    BackupLifecycle lifecycle,
    HostSelector hosts,
    VolumeServiceClient volumes,
    SchedulerOptions options,
    ConsumeNote note,
    ILogger<BackupRoutingConsumer> logger) :
    IConsumer<CreateBackup>,
    IConsumer<RestoreBackup>,
    IConsumer<DeleteBackup>,
    IConsumer<ImportBackup>
{
    public const string NoServiceForCreate = "Service not found for creating backup.";

    public async Task Consume(ConsumeContext<CreateBackup> context)
    {
        var command = context.Message;
        if (!await EnsureVersionAsync(command, BackupStatus.Creating, () => ReleaseQuietlyAsync(command.VolumeId, null, command.SnapshotId)))
        {
            return;
        }

        if (!await IsStillAsync(command.BackupId, BackupStatus.Creating, context.CancellationToken))
        {
            return;
        }

        var host = await hosts.RouteAsync(command.BackupId, command.AvailabilityZone, null, options.UseSameHost ? command.VolumeHost : null, context.CancellationToken);
        if (host is null)
        {
            logger.LogWarning("No live backup host in zone {Zone} for backup {BackupId}", command.AvailabilityZone, command.BackupId);
            await ReleaseQuietlyAsync(command.VolumeId, null, command.SnapshotId);
            await lifecycle.RefuseAsync(command.BackupId, BackupStatus.Creating, NoServiceForCreate, context.CancellationToken);
            return;
        }

        await ForwardAsync(context, host, command with { Host = host });
    }

    public async Task Consume(ConsumeContext<RestoreBackup> context)
    {
        var command = context.Message;
        if (!await EnsureVersionAsync(command, BackupStatus.Restoring, () => ReleaseQuietlyAsync(command.VolumeId, null)))
        {
            return;
        }

        var backup = await db.Backups.AsNoTracking().SingleOrDefaultAsync(b => b.Id == command.BackupId, context.CancellationToken);
        if (backup?.Status != BackupStatus.Restoring || backup.RestoreVolumeId != command.VolumeId)
        {
            logger.LogInformation("Backup {BackupId} is not restoring to {VolumeId}: nothing to route", command.BackupId, command.VolumeId);
            note.Skipped($"backup is not restoring to {command.VolumeId}: nothing to route");
            return;
        }

        var host = await hosts.RouteAsync(command.BackupId, null, backup.Service, backup.Host, context.CancellationToken);
        if (host is null)
        {
            await ReleaseQuietlyAsync(command.VolumeId, null);
            await lifecycle.RefuseRestoreAsync(command.BackupId, "Service not found for restoring backup.", context.CancellationToken);
            return;
        }

        await ForwardAsync(context, host, command with { Host = host });
    }

    public async Task Consume(ConsumeContext<DeleteBackup> context)
    {
        var command = context.Message;
        if (!await EnsureVersionAsync(command, BackupStatus.Deleting, () => Task.CompletedTask))
        {
            return;
        }

        var backup = await db.Backups.AsNoTracking().SingleOrDefaultAsync(b => b.Id == command.BackupId, context.CancellationToken);
        if (backup?.Status != BackupStatus.Deleting)
        {
            logger.LogInformation("Backup {BackupId} is not deleting: nothing to route", command.BackupId);
            note.Skipped("backup is not deleting: nothing to route");
            return;
        }

        var host = await hosts.RouteAsync(command.BackupId, null, backup.Service, backup.Host, context.CancellationToken);
        if (host is null)
        {
            await lifecycle.FailDeleteAsync(command.BackupId, "Service not found for deleting backup.", context.CancellationToken);
            return;
        }

        await ForwardAsync(context, host, command with { Host = host });
    }

    public async Task Consume(ConsumeContext<ImportBackup> context)
    {
        var command = context.Message;
        if (!await EnsureVersionAsync(command, BackupStatus.Creating, () => Task.CompletedTask))
        {
            return;
        }

        var backup = await db.Backups.AsNoTracking().SingleOrDefaultAsync(b => b.Id == command.BackupId, context.CancellationToken);
        if (backup?.Status != BackupStatus.Creating)
        {
            return;
        }

        // Any live host that writes to the record's kind of store can verify it.
        var host = await hosts.RouteAsync(command.BackupId, null, backup.Service, null, context.CancellationToken);
        if (host is null)
        {
            await lifecycle.RefuseAsync(command.BackupId, BackupStatus.Creating, $"Service not found for importing a {backup.Service} backup.", context.CancellationToken);
            return;
        }

        await ForwardAsync(context, host, command with { Host = host });
    }

    /// <summary>A command replayed or re-routed after its backup moved on is routed nowhere.</summary>
    private async Task<bool> IsStillAsync(Guid backupId, string status, CancellationToken cancellationToken)
    {
        if (await db.Backups.AnyAsync(b => b.Id == backupId && b.Status == status, cancellationToken))
        {
            return true;
        }

        logger.LogInformation("Backup {BackupId} is no longer {Status}: nothing to route", backupId, status);
        note.Skipped($"backup is no longer {status}: nothing to route");
        return false;
    }

    private static async Task ForwardAsync<T>(ConsumeContext context, string host, T command)
        where T : class
    {
        var endpoint = await context.GetSendEndpoint(QueueNames.Address(QueueNames.Worker(host)));
        await endpoint.Send(command, context.CancellationToken);
    }

    /// <summary>
    /// A command of another major version: its backup leaves the transitional status with the reason,
    /// and the message goes to the error queue (the exception) where an operator can see it.
    /// </summary>
    private async Task<bool> EnsureVersionAsync(IBackupCommand command, string transitionalStatus, Func<Task> undo)
    {
        if (RpcVersion.IsSupported(command.TargetVersion, out var reason))
        {
            return true;
        }

        logger.LogError("Refusing {Command} for backup {BackupId}: {Reason}", command.GetType().Name, command.BackupId, reason);
        await undo();
        await lifecycle.RefuseAsync(command.BackupId, transitionalStatus, reason, CancellationToken.None);
        throw new UnsupportedRpcVersionException(reason);
    }

    private async Task ReleaseQuietlyAsync(Guid volumeId, string? status, Guid? snapshotId = null)
    {
        try
        {
            await (snapshotId is null
                ? volumes.ReleaseAsync(volumeId, status, CancellationToken.None)
                : volumes.ReleaseForBackupAsync(volumeId, snapshotId, CancellationToken.None));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not release volume {VolumeId}", volumeId);
        }
    }
}
