using BackupPlatform.Contracts.Backup.V2;
using BackupPlatform.Contracts.Volume.V2;
using BackupPlatform.Data;
using BackupPlatform.Hosting;
using BackupPlatform.Hosting.Lifecycle;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Worker;

/// <summary>
/// A replayed CreateBackup (header BackupPlatform-Replay-Of, sent by the admin tool) is an operator
/// saying that what failed the backup is fixed. A backup the command left in error is then made
/// creating again: its volume is reserved again, as the API reserved it, and the create runs as if
/// first delivered. Cinder offers no such transition to tenants; this is an administrator's action,
/// like os-reset_status. In any other status (available after an earlier replay, deleted) the
/// replay is the usual no-op.
/// </summary>
public sealed class FailedBackupRearm(BackupDbContext db, BackupLifecycle lifecycle, VolumeServiceClient volumes, ILogger<FailedBackupRearm> logger)
{
    public async Task<bool> RearmAsync(CreateBackup command, CancellationToken cancellationToken)
    {
        var backup = await db.Backups.AsNoTracking().SingleOrDefaultAsync(b => b.Id == command.BackupId, cancellationToken);
        if (backup is not { Status: BackupStatus.Error, Deleted: false } || backup.VolumeId == Guid.Empty)
        {
            return false;
        }

        try
        {
            await volumes.ReserveAsync(
                new ReserveVolume { VolumeId = backup.VolumeId, ProjectId = backup.ProjectId, Purpose = VolumePurpose.Backup, SnapshotId = backup.SnapshotId },
                cancellationToken);
        }
        catch (VolumeServiceException e)
        {
            logger.LogWarning("Replay of backup {BackupId} refused: its volume cannot be reserved: {Reason}", backup.Id, e.Message);
            var reason = BackupLifecycle.BoundReason($"Replay refused: {e.Message}");
            await db.Backups.Where(b => b.Id == backup.Id && b.Status == BackupStatus.Error).ExecuteUpdateAsync(s => s.SetProperty(b => b.FailReason, reason), cancellationToken);
            return false;
        }

        if (!await lifecycle.RearmAsync(backup.Id, cancellationToken))
        {
            // Another replay won the race: give the volume back.
            await volumes.ReleaseForBackupAsync(backup.VolumeId, backup.SnapshotId, CancellationToken.None);
            return false;
        }

        logger.LogWarning("Backup {BackupId} re-armed by a replayed command: error -> creating", backup.Id);
        return true;
    }
}
