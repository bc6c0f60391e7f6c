using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Data;

/// <summary>
/// Status moves on a backup row as single conditional UPDATEs: a move happens only from the
/// expected status, so a redelivered or replayed command finds the row moved on and does nothing.
/// </summary>
public static class BackupTransitions
{
    public static Task<int> FailAsync(this BackupDbContext db, Guid backupId, string fromStatus, string reason, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var bounded = BoundReason(reason);
        return db.Backups
            .Where(b => b.Id == backupId && b.Status == fromStatus)
            .ExecuteUpdateAsync(
                s => s.SetProperty(b => b.Status, BackupStatus.Error).SetProperty(b => b.FailReason, bounded)
                    .SetProperty(b => b.WorkStartedAt, (DateTime?)null).SetProperty(b => b.UpdatedAt, now),
                cancellationToken);
    }

    public static Task<int> MoveAsync(this BackupDbContext db, Guid backupId, string fromStatus, string toStatus, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        return db.Backups
            .Where(b => b.Id == backupId && b.Status == fromStatus)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, toStatus).SetProperty(b => b.UpdatedAt, now), cancellationToken);
    }

    /// <summary>Cinder keeps fail_reason in a 255-character column.</summary>
    public static string BoundReason(string reason) => reason.Length > 255 ? reason[..252] + "..." : reason;
}
