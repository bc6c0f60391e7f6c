using BackupPlatform.Data;
using BackupPlatform.Hosting.Http;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Api;

/// <summary>
/// Finds the backup a URL names, as Cinder's project_only queries do: a tenant sees its project's
/// backups only (another's reads as not found); an administrator sees every project's. An id that is
/// no UUID is simply not found: clients probe names that way before listing.
/// </summary>
public static class BackupLookup
{
    public static Task<Backup?> FindAsync(BackupDbContext db, HttpContext http, string projectId, string backupId)
    {
        if (!Guid.TryParse(backupId, out var id))
        {
            return Task.FromResult<Backup?>(null);
        }

        var isAdmin = RequestIdentity.Of(http).IsAdmin;
        return db.Backups.AsNoTracking()
            .SingleOrDefaultAsync(b => b.Id == id && (isAdmin || b.ProjectId == projectId) && !b.Deleted, http.RequestAborted);
    }

    public static IResult NotFound(string backupId) => CinderFault.NotFound($"Backup {backupId} could not be found.");
}
