using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Data;

/// <summary>
/// Backup quotas, enforced in the transaction that writes the backup row: the reservation is a
/// conditional increment of the project's usage row, which PostgreSQL locks until that transaction
/// ends, so concurrent creates queue on the row and each sees the others' consumption; no create can
/// pass a limit, and a create that fails to commit releases nothing because it never committed.
/// </summary>
public static class Quotas
{
    public static readonly string[] Resources = [QuotaResources.Backups, QuotaResources.BackupGigabytes];

    /// <summary>The limits of a project: its own where an admin set them, the defaults otherwise.</summary>
    public static async Task<Dictionary<string, int>> LimitsAsync(BackupDbContext db, string projectId, QuotaOptions defaults, CancellationToken cancellationToken)
    {
        var limits = Defaults(defaults);
        foreach (var own in await db.QuotaLimits.AsNoTracking().Where(q => q.ProjectId == projectId).ToListAsync(cancellationToken))
        {
            limits[own.Resource] = own.HardLimit;
        }

        return limits;
    }

    public static Dictionary<string, int> Defaults(QuotaOptions defaults) => new()
    {
        [QuotaResources.Backups] = defaults.Backups,
        [QuotaResources.BackupGigabytes] = defaults.BackupGigabytes,
    };

    public static async Task<Dictionary<string, long>> UsageAsync(BackupDbContext db, string projectId, CancellationToken cancellationToken)
    {
        var usage = Resources.ToDictionary(r => r, _ => 0L);
        foreach (var row in await db.QuotaUsages.AsNoTracking().Where(u => u.ProjectId == projectId).ToListAsync(cancellationToken))
        {
            usage[row.Resource] = row.InUse;
        }

        return usage;
    }

    /// <summary>
    /// Takes one backup of <paramref name="gigabytes"/> from the project's quota, inside the caller's open
    /// transaction; null when taken, the refusal otherwise (gigabytes are checked first, as Cinder does).
    /// </summary>
    public static async Task<QuotaExceeded?> ReserveAsync(BackupDbContext db, string projectId, int gigabytes, QuotaOptions defaults, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A quota reservation must commit with the row it pays for: open a transaction first.");
        }

        var limits = await LimitsAsync(db, projectId, defaults, cancellationToken);
        foreach (var (resource, delta) in new[] { (QuotaResources.BackupGigabytes, (long)gigabytes), (QuotaResources.Backups, 1L) })
        {
            var limit = limits[resource];
            var now = DateTime.UtcNow;
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO quota_usages (project_id, resource, in_use, updated_at) VALUES ({projectId}, {resource}, 0, {now}) ON CONFLICT DO NOTHING",
                cancellationToken);
            var taken = await db.Database.ExecuteSqlAsync(
                $"UPDATE quota_usages SET in_use = in_use + {delta}, updated_at = {now} WHERE project_id = {projectId} AND resource = {resource} AND ({limit} < 0 OR in_use + {delta} <= {limit})",
                cancellationToken);
            if (taken == 0)
            {
                var inUse = await db.QuotaUsages.AsNoTracking().Where(u => u.ProjectId == projectId && u.Resource == resource).Select(u => u.InUse).SingleAsync(cancellationToken);
                return new QuotaExceeded(resource, delta, limit, inUse);
            }
        }

        return null;
    }

    /// <summary>
    /// Saves the context's pending changes (a new backup row and its command) only if the project's quota
    /// has room for one more backup of <paramref name="gigabytes"/>: both commit together, or neither.
    /// </summary>
    public static async Task<QuotaExceeded?> SaveChargedAsync(BackupDbContext db, string projectId, int gigabytes, QuotaOptions defaults, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var refused = await ReserveAsync(db, projectId, gigabytes, defaults, cancellationToken);
        if (refused is not null)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            return refused;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    /// <summary>Gives back what a backup took, when it is deleted for good; never below zero (usage older than quotas).</summary>
    public static async Task ReleaseAsync(BackupDbContext db, string projectId, int gigabytes, CancellationToken cancellationToken)
    {
        foreach (var (resource, delta) in new[] { (QuotaResources.BackupGigabytes, (long)gigabytes), (QuotaResources.Backups, 1L) })
        {
            var now = DateTime.UtcNow;
            await db.Database.ExecuteSqlAsync(
                $"UPDATE quota_usages SET in_use = CASE WHEN in_use > {delta} THEN in_use - {delta} ELSE 0 END, updated_at = {now} WHERE project_id = {projectId} AND resource = {resource}",
                cancellationToken);
        }
    }
}
