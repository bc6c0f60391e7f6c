using System.Linq.Expressions;
using BackupPlatform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace BackupPlatform.Hosting.Lifecycle;

/// <summary>
/// The one owner of a backup's status (after Cinder's conditional_update): every move of
/// <see cref="BackupMoves"/> is a conditional UPDATE from the statuses the move starts from, and the
/// move's notification goes into the outbox in the same transaction, so a move and what it tells the
/// world commit together or not at all. A move that finds the row elsewhere (a redelivered command,
/// a concurrent reset) changes nothing, writes nothing, and returns false or null.
/// </summary>
public sealed class BackupLifecycle(BackupDbContext db, OutboxSignal? signal = null)
{
    /// <summary>Cinder keeps fail_reason in a 255-character column.</summary>
    public static string BoundReason(string reason) => reason.Length > 255 ? reason[..252] + "..." : reason;

    /// <summary>A new row, creating (<see cref="BackupMoves.RequestCreate"/>): the caller describes it, adds it and its command and saves them together.</summary>
    public static Backup NewBackup(Guid id, string projectId, string userId) =>
        new() { Id = id, ProjectId = projectId, UserId = userId, Status = BackupMoves.RequestCreate.To! };

    /// <summary>A revived row (import_record of a deleted id) starts creating again.</summary>
    public static void RequestCreate(Backup backup)
    {
        backup.Status = BackupMoves.RequestCreate.To!;
        backup.FailReason = null;
        backup.WorkStartedAt = null;
    }

    /// <summary>This host claims a create no host has begun; the row as claimed, or null when begun or moved on.</summary>
    public Task<Backup?> BeginCreateAsync(Guid backupId, string host, string? zone, string service, string container, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        return MoveAsync(
            BackupMoves.BeginCreate, backupId, BackupMoves.BeginCreate.From, null, b => b.WorkStartedAt == null,
            s => s.SetProperty(b => b.Host, host).SetProperty(b => b.AvailabilityZone, zone).SetProperty(b => b.Service, service)
                .SetProperty(b => b.Container, container).SetProperty(b => b.WorkStartedAt, now),
            null, cancellationToken);
    }

    /// <summary>The child becomes available and its parent counts it in one commit: the delete refusal depends on the count.</summary>
    public async Task<bool> CompleteCreateAsync(Guid backupId, Guid? parentId, int sizeGb, int objectCount, string? serviceMetadata, CancellationToken cancellationToken) =>
        await MoveAsync(
            BackupMoves.CompleteCreate, backupId, BackupMoves.CompleteCreate.From, null, null,
            s => s.SetProperty(b => b.WorkStartedAt, (DateTime?)null).SetProperty(b => b.Size, sizeGb)
                .SetProperty(b => b.ObjectCount, objectCount).SetProperty(b => b.ServiceMetadata, serviceMetadata),
            async () =>
            {
                if (parentId is { } parent)
                {
                    await db.Backups.Where(b => b.Id == parent).ExecuteUpdateAsync(s => s.SetProperty(b => b.NumDependentBackups, b => b.NumDependentBackups + 1), cancellationToken);
                }
            },
            cancellationToken) is not null;

    public async Task<bool> FailCreateAsync(Guid backupId, string reason, CancellationToken cancellationToken) =>
        await FailAsync(BackupMoves.FailCreate, backupId, BackupStatus.Creating, reason, null, cancellationToken);

    /// <summary>An imported record verified: available, with the facts the worker read from the store.</summary>
    public async Task<bool> CompleteImportAsync(Guid backupId, Action<UpdateSettersBuilder<Backup>> facts, CancellationToken cancellationToken) =>
        await MoveAsync(BackupMoves.CompleteImport, backupId, BackupMoves.CompleteImport.From, null, null, facts, null, cancellationToken) is not null;

    public async Task<bool> FailImportAsync(Guid backupId, string reason, CancellationToken cancellationToken) =>
        await FailAsync(BackupMoves.FailImport, backupId, BackupStatus.Creating, reason, null, cancellationToken);

    /// <summary>A command nobody can serve (no host, another RPC major): its backup leaves <paramref name="fromStatus"/> for error.</summary>
    public async Task<bool> RefuseAsync(Guid backupId, string fromStatus, string reason, CancellationToken cancellationToken) =>
        await FailAsync(BackupMoves.Refuse, backupId, fromStatus, reason, null, cancellationToken);

    /// <summary>
    /// Ends a create or restore a dead or restarted host had begun, if the row is still as <paramref name="stranded"/>
    /// saw it (same status, same start): a create ends in error, a restore leaves the backup available.
    /// </summary>
    public async Task<bool> AbandonAsync(Backup stranded, string reason, CancellationToken cancellationToken)
    {
        var begun = stranded.WorkStartedAt;
        return stranded.Status switch
        {
            BackupStatus.Creating => await FailAsync(BackupMoves.AbandonCreate, stranded.Id, BackupStatus.Creating, $"Incomplete backup reset: {reason}", b => b.WorkStartedAt == begun, cancellationToken),
            BackupStatus.Restoring => await FailAsync(BackupMoves.AbandonRestore, stranded.Id, BackupStatus.Restoring, $"Restore interrupted: {reason}", b => b.WorkStartedAt == begun, cancellationToken),
            _ => throw new InvalidOperationException($"Backup {stranded.Id} is {stranded.Status}: only creates and restores are abandoned."),
        };
    }

    /// <summary>Inside the caller's transaction, with the restore command it writes.</summary>
    public async Task<bool> BeginRestoreAsync(Guid backupId, Guid volumeId, CancellationToken cancellationToken) =>
        await MoveAsync(
            BackupMoves.BeginRestore, backupId, BackupMoves.BeginRestore.From, null, null,
            s => s.SetProperty(b => b.RestoreVolumeId, volumeId).SetProperty(b => b.FailReason, (string?)null).SetProperty(b => b.WorkStartedAt, (DateTime?)null),
            null, cancellationToken) is not null;

    /// <summary>This host claims a restore no host has begun; the row as claimed, or null.</summary>
    public Task<Backup?> StartRestoreAsync(Guid backupId, Guid volumeId, string host, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        return MoveAsync(
            BackupMoves.StartRestore, backupId, BackupMoves.StartRestore.From, null, b => b.WorkStartedAt == null && b.RestoreVolumeId == volumeId,
            s => s.SetProperty(b => b.Host, host).SetProperty(b => b.WorkStartedAt, now), null, cancellationToken);
    }

    /// <summary>The restore ended; <paramref name="failReason"/> (if it failed) stays on the backup, which is intact either way.</summary>
    public async Task<bool> EndRestoreAsync(Guid backupId, string? failReason, CancellationToken cancellationToken)
    {
        var reason = failReason is null ? null : BoundReason(failReason);
        return await MoveAsync(
            BackupMoves.EndRestore, backupId, BackupMoves.EndRestore.From, null, null,
            s =>
            {
                s.SetProperty(b => b.WorkStartedAt, (DateTime?)null);
                if (reason is not null)
                {
                    s.SetProperty(b => b.FailReason, reason);
                }
            },
            null, cancellationToken) is not null;
    }

    /// <summary>A status change cancelled the restore this host ran: its work ends, the status set stays.</summary>
    public async Task<bool> StopRestoreAsync(Guid backupId, CancellationToken cancellationToken) =>
        await MoveAsync(BackupMoves.StopRestore, backupId, BackupMoves.StopRestore.From, null, null, s => s.SetProperty(b => b.WorkStartedAt, (DateTime?)null), null, cancellationToken) is not null;

    public async Task<bool> RefuseRestoreAsync(Guid backupId, string reason, CancellationToken cancellationToken) =>
        await FailAsync(BackupMoves.RefuseRestore, backupId, BackupStatus.Restoring, reason, null, cancellationToken);

    /// <summary>Inside the caller's transaction, with the delete command it writes; refused while incrementals depend on it.</summary>
    public async Task<bool> BeginDeleteAsync(Guid backupId, CancellationToken cancellationToken) =>
        await MoveAsync(BackupMoves.BeginDelete, backupId, BackupMoves.BeginDelete.From, null, b => b.NumDependentBackups == 0, null, null, cancellationToken) is not null;

    /// <summary>os-force_delete: from any listed status; work begun on the row is no longer its own (a running restore stops).</summary>
    public async Task<bool> ForceDeleteAsync(Guid backupId, CancellationToken cancellationToken) =>
        await MoveAsync(BackupMoves.ForceDelete, backupId, BackupMoves.ForceDelete.From, null, null, s => s.SetProperty(b => b.WorkStartedAt, (DateTime?)null), null, cancellationToken) is not null;

    /// <summary>This host takes a delete (again after a restart: deletes are resumed, not ended); the row, or null.</summary>
    public Task<Backup?> StartDeleteAsync(Guid backupId, string host, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        return MoveAsync(BackupMoves.StartDelete, backupId, BackupMoves.StartDelete.From, null, null, s => s.SetProperty(b => b.Host, host).SetProperty(b => b.WorkStartedAt, now), null, cancellationToken);
    }

    /// <summary>The row, the parent's count and the quota change together: a redelivered delete gives nothing back twice.</summary>
    public async Task<bool> FinishDeleteAsync(Backup backup, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        return await MoveAsync(
            BackupMoves.FinishDelete, backup.Id, BackupMoves.FinishDelete.From, null, null,
            s => s.SetProperty(b => b.Deleted, true).SetProperty(b => b.WorkStartedAt, (DateTime?)null).SetProperty(b => b.DeletedAt, now),
            async () =>
            {
                if (backup.ParentId is { } parentId)
                {
                    await db.Backups.Where(b => b.Id == parentId && b.NumDependentBackups > 0).ExecuteUpdateAsync(s => s.SetProperty(b => b.NumDependentBackups, b => b.NumDependentBackups - 1), cancellationToken);
                }

                await Quotas.ReleaseAsync(db, backup.ProjectId, backup.Size, cancellationToken);
            },
            cancellationToken) is not null;
    }

    public async Task<bool> FailDeleteAsync(Guid backupId, string reason, CancellationToken cancellationToken) =>
        await FailAsync(BackupMoves.FailDelete, backupId, BackupStatus.Deleting, reason, null, cancellationToken);

    /// <summary>A replayed create makes a failed backup creating again (its volume already reserved again by the caller).</summary>
    public async Task<bool> RearmAsync(Guid backupId, CancellationToken cancellationToken) =>
        await MoveAsync(
            BackupMoves.Rearm, backupId, BackupMoves.Rearm.From, null, null,
            s => s.SetProperty(b => b.FailReason, (string?)null).SetProperty(b => b.WorkStartedAt, (DateTime?)null), null, cancellationToken) is not null;

    /// <summary>
    /// os-reset_status: sets <paramref name="status"/> whatever the row's status, as Cinder does; the start
    /// notification carries the row as the caller read it, the end one the row as reset.
    /// </summary>
    public async Task<bool> ResetAsync(Backup backup, string status, CancellationToken cancellationToken)
    {
        if (!BackupMoves.ResetTo.Contains(status))
        {
            throw new ArgumentException($"Backups are reset to {string.Join(" or ", BackupMoves.ResetTo)}, not {status}.", nameof(status));
        }

        return await MoveAsync(
            BackupMoves.Reset, backup.Id, BackupMoves.Reset.From, status, null, s => s.SetProperty(b => b.WorkStartedAt, (DateTime?)null),
            () =>
            {
                db.Publish(BackupNotifications.Of(backup, "backup.reset_status.start"));
                return Task.CompletedTask;
            },
            cancellationToken) is not null;
    }

    private async Task<bool> FailAsync(BackupMove move, Guid backupId, string fromStatus, string reason, Expression<Func<Backup, bool>>? condition, CancellationToken cancellationToken)
    {
        if (!move.From.Contains(fromStatus))
        {
            throw new InvalidOperationException($"The move '{move}' does not start from {fromStatus}.");
        }

        var bounded = BoundReason(reason);
        return await MoveAsync(
            move, backupId, [fromStatus], null, condition,
            s => s.SetProperty(b => b.FailReason, bounded).SetProperty(b => b.WorkStartedAt, (DateTime?)null), null, cancellationToken) is not null;
    }

    /// <summary>
    /// One move: the conditional UPDATE, what else must commit with it, and its notification from the row as
    /// moved, in the caller's transaction or in one of its own. The row as moved, or null when it was elsewhere.
    /// </summary>
    private async Task<Backup?> MoveAsync(
        BackupMove move,
        Guid backupId,
        IReadOnlyList<string> from,
        string? to,
        Expression<Func<Backup, bool>>? condition,
        Action<UpdateSettersBuilder<Backup>>? set,
        Func<Task>? alongside,
        CancellationToken cancellationToken)
    {
        var target = to ?? move.To;
        var now = DateTime.UtcNow;
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            var rows = db.Backups.Where(b => b.Id == backupId && from.Contains(b.Status));
            if (condition is not null)
            {
                rows = rows.Where(condition);
            }

            var moved = await rows.ExecuteUpdateAsync(
                s =>
                {
                    if (target is not null)
                    {
                        s.SetProperty(b => b.Status, target);
                    }

                    s.SetProperty(b => b.UpdatedAt, now);
                    set?.Invoke(s);
                },
                cancellationToken);
            if (moved == 0)
            {
                return null;
            }

            if (alongside is not null)
            {
                await alongside();
            }

            var row = await db.Backups.AsNoTracking().SingleAsync(b => b.Id == backupId, cancellationToken);
            if (move.Event is not null)
            {
                db.Publish(BackupNotifications.Of(row, move.Event));
            }

            await db.SaveChangesAsync(cancellationToken);
            if (own is not null)
            {
                await own.CommitAsync(cancellationToken);
            }

            signal?.Notify();
            return row;
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }
}
