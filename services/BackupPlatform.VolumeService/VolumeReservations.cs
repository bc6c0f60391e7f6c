using BackupPlatform.Contracts.Volume.V2;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.VolumeService;

/// <summary>
/// Status changes that must not race: each is one conditional UPDATE, so two backups of one volume
/// cannot both move it to backing-up.
/// </summary>
public sealed class VolumeReservations(VolumeDbContext db)
{
    public async Task<(Volume? Volume, string? Refusal)> ReserveAsync(Guid volumeId, string? projectId, VolumePurpose purpose, bool force, int minimumSizeGb, CancellationToken cancellationToken)
    {
        var (target, allowed) = purpose switch
        {
            VolumePurpose.Backup => (VolumeStatus.BackingUp, force ? new[] { VolumeStatus.Available, VolumeStatus.InUse } : [VolumeStatus.Available]),
            VolumePurpose.Restore => (VolumeStatus.RestoringBackup, new[] { VolumeStatus.Available }),
            _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
        };
        return await MoveAsync(volumeId, projectId, allowed, target, minimumSizeGb, purpose, cancellationToken);
    }

    public Task<(Volume? Volume, string? Refusal)> ReserveForUploadAsync(Guid volumeId, string projectId, CancellationToken cancellationToken) =>
        MoveAsync(volumeId, projectId, [VolumeStatus.Available], VolumeStatus.Uploading, 0, purpose: null, cancellationToken);

    /// <summary>
    /// Reserves a snapshot for a backup: it must be of the volume and available, and moves to
    /// backing-up; the volume itself is left as it is, as Cinder does for snapshot backups.
    /// </summary>
    public async Task<(Volume? Volume, Snapshot? Snapshot, string? Refusal, bool NotFound)> ReserveSnapshotAsync(Guid volumeId, Guid snapshotId, string? projectId, CancellationToken cancellationToken)
    {
        var volume = await db.Volumes.AsNoTracking().SingleOrDefaultAsync(v => v.Id == volumeId && !v.Deleted && (projectId == null || v.ProjectId == projectId), cancellationToken);
        if (volume is null)
        {
            return (null, null, $"Volume {volumeId} could not be found.", true);
        }

        var snapshot = await db.Snapshots.AsNoTracking().SingleOrDefaultAsync(s => s.Id == snapshotId && !s.Deleted && (projectId == null || s.ProjectId == projectId), cancellationToken);
        if (snapshot is null)
        {
            return (volume, null, $"Snapshot {snapshotId} could not be found.", true);
        }

        if (snapshot.VolumeId != volumeId)
        {
            return (volume, snapshot, $"Invalid volume: Volume {volumeId} does not match with snapshot.volume_id {snapshot.VolumeId}.", false);
        }

        var now = DateTime.UtcNow;
        var rows = await db.Snapshots.Where(s => s.Id == snapshotId && s.Status == SnapshotStatus.Available)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SnapshotStatus.BackingUp).SetProperty(x => x.UpdatedAt, now), cancellationToken);
        return rows == 1
            ? (volume, snapshot, null, false)
            : (volume, snapshot, $"Invalid snapshot: Snapshot to be backed up must be available, but the current status is \"{snapshot.Status}\".", false);
    }

    public async Task<Snapshot?> ReleaseSnapshotAsync(Guid snapshotId, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var rows = await db.Snapshots.Where(s => s.Id == snapshotId && !s.Deleted && s.Status == SnapshotStatus.BackingUp)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SnapshotStatus.Available).SetProperty(x => x.UpdatedAt, now), cancellationToken);
        return await db.Snapshots.AsNoTracking().SingleOrDefaultAsync(s => s.Id == snapshotId, cancellationToken);
    }

    /// <summary>Ends a reservation: to <paramref name="status"/>, or back to the previous status.</summary>
    public async Task<Volume?> ReleaseAsync(Guid volumeId, string? status, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var rows = status is null
            ? await db.Volumes.Where(v => v.Id == volumeId && !v.Deleted)
                .ExecuteUpdateAsync(s => s.SetProperty(v => v.Status, v => v.PreviousStatus ?? VolumeStatus.Available).SetProperty(v => v.UpdatedAt, now), cancellationToken)
            : await db.Volumes.Where(v => v.Id == volumeId && !v.Deleted)
                .ExecuteUpdateAsync(s => s.SetProperty(v => v.Status, status).SetProperty(v => v.UpdatedAt, now), cancellationToken);
        return rows == 0 ? null : await db.Volumes.AsNoTracking().SingleAsync(v => v.Id == volumeId, cancellationToken);
    }

    private async Task<(Volume? Volume, string? Refusal)> MoveAsync(Guid volumeId, string? projectId, string[] allowed, string target, int minimumSizeGb, VolumePurpose? purpose, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var rows = await db.Volumes
            .Where(v => v.Id == volumeId && !v.Deleted && (projectId == null || v.ProjectId == projectId) && allowed.Contains(v.Status) && v.Size >= minimumSizeGb)
            .ExecuteUpdateAsync(
                s => s.SetProperty(v => v.PreviousStatus, v => v.Status).SetProperty(v => v.Status, target).SetProperty(v => v.UpdatedAt, now),
                cancellationToken);
        var volume = await db.Volumes.AsNoTracking().SingleOrDefaultAsync(v => v.Id == volumeId && !v.Deleted && (projectId == null || v.ProjectId == projectId), cancellationToken);
        if (volume is null)
        {
            return (null, $"Volume {volumeId} could not be found.");
        }

        if (rows == 1)
        {
            return (volume, null);
        }

        if (volume.Size < minimumSizeGb)
        {
            return (volume, $"Invalid volume: volume size {volume.Size}GB cannot be smaller than the backup size {minimumSizeGb}GB. It must be >= backup size.");
        }

        var refusal = purpose switch
        {
            VolumePurpose.Backup when volume.Status == VolumeStatus.InUse => "Invalid volume: Backing up an in-use volume must use the force flag.",
            VolumePurpose.Backup => $"Invalid volume: Volume to be backed up must be available or in-use, but the current status is \"{volume.Status}\".",
            VolumePurpose.Restore => $"Invalid volume: Volume to be restored to must be available, but the current status is \"{volume.Status}\".",
            _ => $"Invalid volume: Volume status must be available, but the current status is \"{volume.Status}\".",
        };
        return (volume, refusal);
    }
}
