using System.Text.Json;
using BackupPlatform.Hosting.Http;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.VolumeService;

/// <summary>
/// Cinder-style snapshot calls (api-ref volumes-v3-snapshots): create, show, list, update, delete. The
/// bodies are Cinder's (and pass tempest's schemas): show and detail carry the extended snapshot
/// attributes (progress, project_id), create, update and the summary list do not.
/// </summary>
public static class SnapshotsApi
{
    public static void MapSnapshotsApi(this IEndpointRouteBuilder endpoints)
    {
        var project = endpoints.MapProjectScope();
        project.MapPost("/snapshots", CreateAsync);
        project.MapGet("/snapshots", (string project_id, HttpContext http, VolumeDbContext db) => ListAsync(project_id, http, db, detail: false));
        project.MapGet("/snapshots/detail", (string project_id, HttpContext http, VolumeDbContext db) => ListAsync(project_id, http, db, detail: true));
        project.MapGet("/snapshots/{snapshot_id}", ShowAsync);
        project.MapPut("/snapshots/{snapshot_id}", UpdateAsync);
        project.MapDelete("/snapshots/{snapshot_id}", DeleteAsync);
    }

    /// <summary>Cinder's snapshot create schema (additionalProperties: false).</summary>
    private static readonly string[] CreateKeys = ["volume_id", "name", "display_name", "description", "display_description", "force", "metadata"];

    private static async Task<IResult> CreateAsync(string project_id, HttpContext http, VolumeDbContext db, VolumeFiles files)
    {
        var (body, error) = await RequestBody.ReadAsync(http.Request, "snapshot", allowedKeys: CreateKeys);
        if (error is not null)
        {
            return error;
        }

        if (!body.TryGetUuid("volume_id", out var volumeId, out var invalid) || volumeId is null
            || !body.TryGetString("name", out var name, out invalid) || !body.TryGetString("description", out var description, out invalid)
            || !body.TryGetBoolean("force", out var force, out invalid)
            || !CinderMetadata.TryRead(body, out var metadata, out invalid))
        {
            return CinderFault.BadRequest(invalid ?? "Invalid input for field/attribute snapshot: 'volume_id' is a required property.");
        }

        var volume = await db.Volumes.AsNoTracking().SingleOrDefaultAsync(v => v.Id == volumeId && v.ProjectId == project_id && !v.Deleted, http.RequestAborted);
        if (volume is null)
        {
            return CinderFault.NotFound($"Volume {volumeId} could not be found.");
        }

        if (volume.Status != VolumeStatus.Available && !(force && volume.Status == VolumeStatus.InUse))
        {
            return CinderFault.BadRequest($"Invalid volume: Volume {volume.Id} status must be available, but current status is: {volume.Status}.");
        }

        var snapshot = new Snapshot
        {
            Id = Guid.NewGuid(),
            ProjectId = project_id,
            UserId = RequestIdentity.Of(http).UserId,
            VolumeId = volume.Id,
            Name = name,
            Description = description,
            Status = SnapshotStatus.Creating,
            Size = volume.Size,
            Metadata = metadata,
            CreatedAt = DateTime.UtcNow,
        };
        db.Snapshots.Add(snapshot);
        await db.SaveChangesAsync(http.RequestAborted);
        try
        {
            VolumeFiles.CopySparse(files.PathOf(volume.Id), files.SnapshotPathOf(snapshot.Id));
            snapshot.Status = SnapshotStatus.Available;
        }
        catch (IOException)
        {
            snapshot.Status = SnapshotStatus.Error;
        }

        snapshot.UpdatedAt = DateTime.UtcNow;
        await db.SaveChangesAsync(CancellationToken.None);
        return Results.Json(new { snapshot = View(snapshot) }, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> ListAsync(string project_id, HttpContext http, VolumeDbContext db, bool detail)
    {
        // The filters clients look snapshots up by; others are ignored, as Cinder ignores a tenant's unknown filters below 3.31.
        var name = http.Request.Query["name"].LastOrDefault();
        var status = http.Request.Query["status"].LastOrDefault();
        if ((name ?? string.Empty).Contains('\0', StringComparison.Ordinal) || (status ?? string.Empty).Contains('\0', StringComparison.Ordinal))
        {
            return Results.Json(new { snapshots = Array.Empty<object>() });
        }

        var volumeId = Guid.TryParse(http.Request.Query["volume_id"].LastOrDefault(), out var id) ? id : (Guid?)null;
        var snapshots = await db.Snapshots.AsNoTracking()
            .Where(s => s.ProjectId == project_id && !s.Deleted && (name == null || s.Name == name) && (status == null || s.Status == status) && (volumeId == null || s.VolumeId == volumeId))
            .OrderByDescending(s => s.CreatedAt).ToListAsync(http.RequestAborted);
        return Results.Json(new { snapshots = snapshots.Select(s => detail ? Detail(s) : View(s)) });
    }

    private static async Task<IResult> ShowAsync(string project_id, string snapshot_id, HttpContext http, VolumeDbContext db)
    {
        var snapshot = await FindAsync(db, project_id, snapshot_id, http.RequestAborted);
        return snapshot is null ? CinderFault.NotFound($"Snapshot {snapshot_id} could not be found.") : Results.Json(new { snapshot = Detail(snapshot) });
    }

    /// <summary>Cinder's snapshot update schema: name and description (or their display_ forms), nothing else.</summary>
    private static readonly string[] UpdateKeys = ["name", "display_name", "description", "display_description"];

    private static async Task<IResult> UpdateAsync(string project_id, string snapshot_id, HttpContext http, VolumeDbContext db)
    {
        var (body, error) = await RequestBody.ReadAsync(http.Request, "snapshot", allowedKeys: UpdateKeys);
        if (error is not null)
        {
            return error;
        }

        if (!body.TryGetString("name", out var name, out var invalid) || !body.TryGetString("display_name", out var displayName, out invalid)
            || !body.TryGetString("description", out var description, out invalid) || !body.TryGetString("display_description", out var displayDescription, out invalid))
        {
            return CinderFault.BadRequest(invalid!);
        }

        if (!body.EnumerateObject().Any())
        {
            return CinderFault.BadRequest("Invalid input for field/attribute snapshot. Value: {}. {} does not have enough properties");
        }

        var snapshot = await FindAsync(db, project_id, snapshot_id, http.RequestAborted);
        if (snapshot is null)
        {
            return CinderFault.NotFound($"Snapshot {snapshot_id} could not be found.");
        }

        // Only the fields named: the status belongs to the backup workflow, which may change it meanwhile.
        snapshot.Name = body.TryGetProperty("name", out _) || body.TryGetProperty("display_name", out _) ? name ?? displayName : snapshot.Name;
        snapshot.Description = body.TryGetProperty("description", out _) || body.TryGetProperty("display_description", out _) ? description ?? displayDescription : snapshot.Description;
        snapshot.UpdatedAt = DateTime.UtcNow;
        await db.Snapshots.Where(s => s.Id == snapshot.Id && !s.Deleted).ExecuteUpdateAsync(
            s => s.SetProperty(x => x.Name, snapshot.Name).SetProperty(x => x.Description, snapshot.Description).SetProperty(x => x.UpdatedAt, snapshot.UpdatedAt),
            http.RequestAborted);
        return Results.Json(new { snapshot = View(snapshot) });
    }

    private static async Task<IResult> DeleteAsync(string project_id, string snapshot_id, HttpContext http, VolumeDbContext db, VolumeFiles files)
    {
        var snapshot = await FindAsync(db, project_id, snapshot_id, http.RequestAborted);
        if (snapshot is null)
        {
            return CinderFault.NotFound($"Snapshot {snapshot_id} could not be found.");
        }

        var now = DateTime.UtcNow;
        var rows = await db.Snapshots.Where(s => s.Id == snapshot.Id && (s.Status == SnapshotStatus.Available || s.Status == SnapshotStatus.Error))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, "deleted").SetProperty(x => x.Deleted, true).SetProperty(x => x.DeletedAt, now), http.RequestAborted);
        if (rows == 0)
        {
            return CinderFault.BadRequest($"Invalid snapshot: Snapshot status must be available or error, but the current status is \"{snapshot.Status}\".");
        }

        File.Delete(files.SnapshotPathOf(snapshot.Id));
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    private static Dictionary<string, object?> View(Snapshot snapshot) => new()
    {
        ["id"] = snapshot.Id,
        ["name"] = snapshot.Name,
        ["description"] = snapshot.Description,
        ["status"] = snapshot.Status,
        ["size"] = snapshot.Size,
        ["volume_id"] = snapshot.VolumeId,
        ["created_at"] = ApiTime.Format(snapshot.CreatedAt),
        ["updated_at"] = ApiTime.Format(snapshot.UpdatedAt),
        ["metadata"] = snapshot.Metadata is null ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(snapshot.Metadata),
    };

    /// <summary>The view with Cinder's extended snapshot attributes (show and detail list).</summary>
    private static Dictionary<string, object?> Detail(Snapshot snapshot)
    {
        var view = View(snapshot);
        // A reference snapshot is a whole copy made before the create answers: done, or not at all.
        view["os-extended-snapshot-attributes:progress"] = snapshot.Status is SnapshotStatus.Available ? "100%" : "0%";
        view["os-extended-snapshot-attributes:project_id"] = snapshot.ProjectId;
        return view;
    }

    private static Task<Snapshot?> FindAsync(VolumeDbContext db, string projectId, string snapshotId, CancellationToken cancellationToken) =>
        Guid.TryParse(snapshotId, out var id)
            ? db.Snapshots.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id && s.ProjectId == projectId && !s.Deleted, cancellationToken)
            : Task.FromResult<Snapshot?>(null);
}
