using BackupPlatform.Data;
using BackupPlatform.Hosting.Lifecycle;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BackupPlatform.Hosting;

/// <summary>
/// Ends work a host had begun and will never finish (it died, or restarted): the same end state
/// whether the host's own start-up cleanup (Cinder's init_host) or the scheduler's failover finds it.
/// A create ends in error with the volume back to its previous status; a restore leaves the backup
/// available and the volume error_restoring. Deletes are not ended: they are resumed.
/// </summary>
public sealed class StrandedBackups(BackupDbContext db, BackupLifecycle lifecycle, VolumeServiceClient volumes, ILogger<StrandedBackups> logger)
{
    /// <summary>Operations the host had begun before <paramref name="begunBefore"/> and not finished.</summary>
    public Task<List<Backup>> BegunOnAsync(string host, DateTime begunBefore, CancellationToken cancellationToken) =>
        db.Backups.AsNoTracking()
            .Where(b => b.Host == host && b.WorkStartedAt != null && b.WorkStartedAt < begunBefore && !b.Deleted
                && (b.Status == BackupStatus.Creating || b.Status == BackupStatus.Restoring || b.Status == BackupStatus.Deleting))
            .ToListAsync(cancellationToken);

    /// <summary>
    /// Ends the operation if the row is still as <paramref name="backup"/> saw it (same status, same
    /// start); returns false when it has moved on meanwhile and nothing was done.
    /// </summary>
    public async Task<bool> EndAsync(Backup backup, string reason, CancellationToken cancellationToken)
    {
        var stillStranded = await db.Backups.AnyAsync(b => b.Id == backup.Id && b.Status == backup.Status && b.WorkStartedAt == backup.WorkStartedAt, cancellationToken);
        if (!stillStranded)
        {
            return false;
        }

        switch (backup.Status)
        {
            case BackupStatus.Creating:
                if (backup.TempVolumeId is { } temporary)
                {
                    try
                    {
                        await volumes.DeleteTemporaryAsync(temporary, CancellationToken.None);
                    }
                    catch (Exception e)
                    {
                        logger.LogWarning(e, "Could not delete temporary volume {VolumeId}", temporary);
                    }
                }

                try
                {
                    await volumes.ReleaseForBackupAsync(backup.VolumeId, backup.SnapshotId, CancellationToken.None);
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "Could not release volume {VolumeId}", backup.VolumeId);
                }

                var failed = await lifecycle.AbandonAsync(backup, reason, cancellationToken);
                logger.LogWarning("Backup {BackupId} reset to error: {Reason}", backup.Id, reason);
                return failed;
            case BackupStatus.Restoring:
                if (backup.RestoreVolumeId is { } target)
                {
                    await ReleaseAsync(target, "error_restoring");
                }

                var ended = await lifecycle.AbandonAsync(backup, reason, cancellationToken);
                logger.LogWarning("Restore of backup {BackupId} ended, volume {VolumeId} error_restoring: {Reason}", backup.Id, backup.RestoreVolumeId, reason);
                return ended;
            default:
                throw new InvalidOperationException($"Backup {backup.Id} is {backup.Status}: only creates and restores are ended.");
        }
    }

    private async Task ReleaseAsync(Guid volumeId, string? status)
    {
        try
        {
            await volumes.ReleaseAsync(volumeId, status, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not release volume {VolumeId}", volumeId);
        }
    }
}
