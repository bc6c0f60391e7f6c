using System.Text.Json;
using BackupPlatform.Hosting.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.VolumeService;

/// <summary>
/// Cinder-style volume calls of the reference volume service, plus the content extension that
/// stands in for an image service: PUT and GET a volume's raw bytes.
/// </summary>
public static class VolumesApi
{
    public static void MapVolumesApi(this IEndpointRouteBuilder endpoints)
    {
        var project = endpoints.MapProjectScope();
        project.MapPost("/volumes", CreateAsync);
        project.MapGet("/volumes", (string project_id, HttpContext http, VolumeDbContext db) => ListAsync(project_id, http, db, detail: false));
        project.MapGet("/volumes/detail", (string project_id, HttpContext http, VolumeDbContext db) => ListAsync(project_id, http, db, detail: true));
        project.MapGet("/volumes/{volume_id}", ShowAsync);
        project.MapPut("/volumes/{volume_id}", UpdateAsync);
        project.MapDelete("/volumes/{volume_id}", DeleteAsync);
        project.MapPost("/volumes/{volume_id}/action", ActionAsync);
        project.MapPut("/volumes/{volume_id}/content", PutContentAsync);
        project.MapGet("/volumes/{volume_id}/content", GetContentAsync);
    }

    private static readonly string[] UnsupportedSources = ["snapshot_id", "source_volid", "backup_id", "imageRef", "consistencygroup_id", "group_id"];

    private static async Task<IResult> CreateAsync(string project_id, HttpContext http, VolumeCreator creator, VolumeServiceOptions options)
    {
        var (body, error) = await RequestBody.ReadAsync(http.Request, "volume");
        if (error is not null)
        {
            return error;
        }

        if (!body.TryGetProperty("size", out var sizeElement) || sizeElement.ValueKind != JsonValueKind.Number || !sizeElement.TryGetInt32(out var size) || size < 1)
        {
            return CinderFault.BadRequest("Invalid input for field/attribute size. Value: must be an integer >= 1 (GiB).");
        }

        if (!body.TryGetString("name", out var name, out var invalid) || !body.TryGetString("description", out var description, out invalid)
            || !body.TryGetString("availability_zone", out var zone, out invalid))
        {
            return CinderFault.BadRequest(invalid!);
        }

        // The reference volume service makes empty volumes only; a source it would ignore is refused rather than silently dropped.
        foreach (var source in UnsupportedSources)
        {
            if (body.TryGetProperty(source, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                return CinderFault.BadRequest($"Invalid input received: creating a volume from {source} is not supported by this volume service.");
            }
        }

        if (zone is not null && !options.Serves(zone))
        {
            return CinderFault.BadRequest($"Invalid input received: Availability zone '{zone}' is invalid.");
        }

        if (!CinderMetadata.TryRead(body, out var metadata, out invalid))
        {
            return CinderFault.BadRequest(invalid!);
        }

        var identity = RequestIdentity.Of(http);
        Volume volume;
        try
        {
            volume = await creator.CreateAsync(project_id, identity.UserId, size, name, description, metadata, zone, http.RequestAborted);
        }
        catch (VolumeQuotaExceededException e)
        {
            return CinderFault.OverQuota(e.Message);
        }

        return Results.Json(new { volume = VolumeView.Detail(volume, http.Request, isAdmin: false) }, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> ListAsync(string project_id, HttpContext http, VolumeDbContext db, bool detail)
    {
        var identity = RequestIdentity.Of(http);
        // cinderclient finds a volume by name with ?all_tenants=1&name=X: honoured for administrators, ignored for tenants.
        var name = http.Request.Query["name"].LastOrDefault();
        var status = http.Request.Query["status"].LastOrDefault();
        if ((name ?? string.Empty).Contains('\0', StringComparison.Ordinal) || (status ?? string.Empty).Contains('\0', StringComparison.Ordinal))
        {
            return Results.Json(new { volumes = Array.Empty<object>() });
        }

        var allTenants = identity.IsAdmin && http.Request.Query["all_tenants"].LastOrDefault() is "1" or "true" or "True";
        var volumes = await db.Volumes.AsNoTracking()
            .Where(v => (allTenants || v.ProjectId == project_id) && !v.Deleted && (name == null || v.Name == name) && (status == null || v.Status == status))
            .OrderByDescending(v => v.CreatedAt).ToListAsync(http.RequestAborted);
        return Results.Json(new
        {
            volumes = volumes.Select(v => detail ? VolumeView.Detail(v, http.Request, identity.IsAdmin) : VolumeView.Summary(v, http.Request)),
        });
    }

    private static async Task<IResult> ShowAsync(string project_id, string volume_id, HttpContext http, VolumeDbContext db)
    {
        var volume = await FindAsync(db, project_id, volume_id, http.RequestAborted);
        return volume is null
            ? CinderFault.NotFound($"Volume {volume_id} could not be found.")
            : Results.Json(new { volume = VolumeView.Detail(volume, http.Request, RequestIdentity.Of(http).IsAdmin) });
    }

    /// <summary>Cinder's volume update schema: name, description (or their display_ forms) and metadata (replacing it).</summary>
    private static readonly string[] UpdateKeys = ["name", "display_name", "description", "display_description", "metadata"];

    private static async Task<IResult> UpdateAsync(string project_id, string volume_id, HttpContext http, VolumeDbContext db)
    {
        var (body, error) = await RequestBody.ReadAsync(http.Request, "volume", allowedKeys: UpdateKeys);
        if (error is not null)
        {
            return error;
        }

        if (!body.TryGetString("name", out var name, out var invalid) || !body.TryGetString("display_name", out var displayName, out invalid)
            || !body.TryGetString("description", out var description, out invalid) || !body.TryGetString("display_description", out var displayDescription, out invalid)
            || !CinderMetadata.TryRead(body, out var metadata, out invalid))
        {
            return CinderFault.BadRequest(invalid!);
        }

        if (!body.EnumerateObject().Any())
        {
            return CinderFault.BadRequest("Invalid input for field/attribute volume. Value: {}. {} does not have enough properties");
        }

        var volume = await FindAsync(db, project_id, volume_id, http.RequestAborted);
        if (volume is null)
        {
            return CinderFault.NotFound($"Volume {volume_id} could not be found.");
        }

        // Only the fields named: the status belongs to the workflows, which may change it meanwhile.
        volume.Name = body.TryGetProperty("name", out _) || body.TryGetProperty("display_name", out _) ? name ?? displayName : volume.Name;
        volume.Description = body.TryGetProperty("description", out _) || body.TryGetProperty("display_description", out _) ? description ?? displayDescription : volume.Description;
        volume.Metadata = metadata ?? volume.Metadata;
        volume.UpdatedAt = DateTime.UtcNow;
        await db.Volumes.Where(v => v.Id == volume.Id && !v.Deleted).ExecuteUpdateAsync(
            s => s.SetProperty(v => v.Name, volume.Name).SetProperty(v => v.Description, volume.Description)
                .SetProperty(v => v.Metadata, volume.Metadata).SetProperty(v => v.UpdatedAt, volume.UpdatedAt),
            http.RequestAborted);
        return Results.Json(new { volume = VolumeView.Detail(volume, http.Request, isAdmin: false) });
    }

    private static async Task<IResult> DeleteAsync(string project_id, string volume_id, HttpContext http, VolumeDbContext db, VolumeFiles files)
    {
        var volume = await FindAsync(db, project_id, volume_id, http.RequestAborted);
        if (volume is null)
        {
            return CinderFault.NotFound($"Volume {volume_id} could not be found.");
        }

        var now = DateTime.UtcNow;
        var rows = await db.Volumes
            .Where(v => v.Id == volume.Id && !v.Deleted && VolumeStatus.Deletable.Contains(v.Status))
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.Status, VolumeStatus.Deleting).SetProperty(v => v.UpdatedAt, now), http.RequestAborted);
        if (rows == 0)
        {
            return CinderFault.BadRequest($"Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer, but the current status is \"{volume.Status}\".");
        }

        files.Delete(volume.Id);
        await db.Volumes.Where(v => v.Id == volume.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.Deleted, true).SetProperty(v => v.Status, "deleted").SetProperty(v => v.DeletedAt, now), CancellationToken.None);
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// Admin actions on a volume: os-reset_status sets any Cinder volume status (e.g. in-use for a volume
    /// attached elsewhere); os-force_delete deletes in any status but a reservation's (backing-up, restoring-backup).
    /// </summary>
    private static async Task<IResult> ActionAsync(string project_id, string volume_id, HttpContext http, VolumeDbContext db, VolumeFiles files)
    {
        var (root, error) = await RequestBody.ReadDocumentAsync(http.Request);
        if (error is not null)
        {
            return error;
        }

        if (root.ValueKind != JsonValueKind.Object || root.EnumerateObject().Count() != 1)
        {
            return CinderFault.BadRequest("There is either no action or more than one action in the request body.");
        }

        var action = root.EnumerateObject().Single();
        if (action.Name is not ("os-reset_status" or "os-force_delete"))
        {
            return CinderFault.BadRequest($"There is no such action: {action.Name}");
        }

        if (!RequestIdentity.Of(http).IsAdmin)
        {
            return CinderFault.Forbidden($"Policy doesn't allow volume_extension:volume_admin_actions:{action.Name[3..]} to be performed.");
        }

        string? status = null;
        if (action.Name == "os-reset_status" && (!action.Value.TryGetString("status", out status, out var invalid) || status is null))
        {
            return CinderFault.BadRequest(invalid ?? "Invalid input for field/attribute status: 'status' is a required property.");
        }

        if (status is not null && !VolumeStatus.All.Contains(status))
        {
            return CinderFault.BadRequest($"Invalid input for field/attribute status. Value: {status}. '{status}' is not one of the volume statuses.");
        }

        var volume = await FindAsync(db, project_id, volume_id, http.RequestAborted);
        if (volume is null)
        {
            return CinderFault.NotFound($"Volume {volume_id} could not be found.");
        }

        var now = DateTime.UtcNow;
        if (status is not null)
        {
            await db.Volumes.Where(v => v.Id == volume.Id).ExecuteUpdateAsync(s => s.SetProperty(v => v.Status, status).SetProperty(v => v.UpdatedAt, now), http.RequestAborted);
            return Results.StatusCode(StatusCodes.Status202Accepted);
        }

        var rows = await db.Volumes
            .Where(v => v.Id == volume.Id && !v.Deleted && v.Status != VolumeStatus.BackingUp && v.Status != VolumeStatus.RestoringBackup)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.Deleted, true).SetProperty(v => v.Status, "deleted").SetProperty(v => v.DeletedAt, now), http.RequestAborted);
        if (rows == 0)
        {
            return CinderFault.BadRequest($"Invalid volume: Volume {volume.Id} is in use by a backup or restore (status {volume.Status}).");
        }

        files.Delete(volume.Id);
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// Writes the body from offset 0. A body larger than the volume is refused with 413 and nothing
    /// is written: by Content-Length up front, or, for a chunked body, by staging it first.
    /// </summary>
    private static async Task<IResult> PutContentAsync(string project_id, string volume_id, HttpContext http, VolumeDbContext db, VolumeReservations reservations, VolumeFiles files)
    {
        if (!Guid.TryParse(volume_id, out var id))
        {
            return CinderFault.NotFound($"Volume {volume_id} could not be found.");
        }

        var bodySize = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (bodySize is { IsReadOnly: false })
        {
            bodySize.MaxRequestBodySize = null;
        }

        var volume = await FindAsync(db, project_id, volume_id, http.RequestAborted);
        if (volume is null)
        {
            return CinderFault.NotFound($"Volume {volume_id} could not be found.");
        }

        var capacity = volume.Size * VolumeFiles.GiB;
        if (http.Request.ContentLength > capacity)
        {
            return TooLarge(http.Request.ContentLength.Value, capacity);
        }

        var (_, refusal) = await reservations.ReserveForUploadAsync(id, project_id, http.RequestAborted);
        if (refusal is not null)
        {
            return CinderFault.BadRequest(refusal);
        }

        try
        {
            if (http.Request.ContentLength is not null)
            {
                await using var target = new FileStream(files.PathOf(id), FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1 << 20, FileOptions.Asynchronous);
                await http.Request.Body.CopyToAsync(target, 1 << 20, http.RequestAborted);
                return Results.StatusCode(StatusCodes.Status204NoContent);
            }

            var staging = files.PathOf(id) + ".upload";
            try
            {
                long staged;
                await using (var stage = new FileStream(staging, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
                {
                    staged = await CopyAtMostAsync(http.Request.Body, stage, capacity + 1, http.RequestAborted);
                }

                if (staged > capacity)
                {
                    return TooLarge(staged, capacity);
                }

                await using var source = new FileStream(staging, FileMode.Open, FileAccess.Read, FileShare.None, 1 << 20, FileOptions.Asynchronous);
                await using var volumeFile = new FileStream(files.PathOf(id), FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1 << 20, FileOptions.Asynchronous);
                await source.CopyToAsync(volumeFile, 1 << 20, http.RequestAborted);
                return Results.StatusCode(StatusCodes.Status204NoContent);
            }
            finally
            {
                File.Delete(staging);
            }
        }
        finally
        {
            await reservations.ReleaseAsync(id, null, CancellationToken.None);
        }
    }

    private static async Task<IResult> GetContentAsync(string project_id, string volume_id, HttpContext http, VolumeDbContext db, VolumeFiles files)
    {
        var volume = await FindAsync(db, project_id, volume_id, http.RequestAborted);
        if (volume is null)
        {
            return CinderFault.NotFound($"Volume {volume_id} could not be found.");
        }

        var stream = new FileStream(files.PathOf(volume.Id), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Results.Stream(stream, "application/octet-stream");
    }

    private static async Task<long> CopyAtMostAsync(Stream source, Stream target, long limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 20];
        long total = 0;
        int read;
        while (total < limit && (read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - total)), cancellationToken)) > 0)
        {
            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            total += read;
        }

        return total;
    }

    private static IResult TooLarge(long bodyBytes, long capacity) =>
        CinderFault.OverLimit($"Request body of {bodyBytes} bytes is larger than the volume ({capacity} bytes); nothing was written.");

    private static Task<Volume?> FindAsync(VolumeDbContext db, string projectId, string volumeId, CancellationToken cancellationToken) =>
        Guid.TryParse(volumeId, out var id)
            ? db.Volumes.AsNoTracking().SingleOrDefaultAsync(v => v.Id == id && v.ProjectId == projectId && !v.Deleted, cancellationToken)
            : Task.FromResult<Volume?>(null);
}
