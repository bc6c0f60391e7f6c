using System.Text.Json;
using BackupPlatform.Contracts.Backup.V2;
using BackupPlatform.Contracts.Volume.V2;
using BackupPlatform.Data;
using BackupPlatform.Hosting;
using BackupPlatform.Hosting.Lifecycle;
using BackupPlatform.Hosting.Http;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Api;

/// <summary>
/// The backups resource of Cinder's v3 API. Every state change commits the row and its command in
/// one transaction (the outbox), so an accepted request is never lost while the broker is down.
/// </summary>
public static class BackupsApi
{
    public static void MapBackupsApi(this IEndpointRouteBuilder endpoints)
    {
        var project = endpoints.MapProjectScope();
        project.MapPost("/backups", CreateAsync);
        project.MapGet("/backups", (string project_id, HttpContext http, BackupDbContext db) => ListAsync(project_id, http, db, detail: false));
        project.MapGet("/backups/detail", (string project_id, HttpContext http, BackupDbContext db) => ListAsync(project_id, http, db, detail: true));
        project.MapGet("/backups/{backup_id}", ShowAsync);
        project.MapPut("/backups/{backup_id}", UpdateAsync);
        project.MapDelete("/backups/{backup_id}", DeleteAsync);
        project.MapPost("/backups/{backup_id}/restore", RestoreAsync);
    }

    /// <summary>The keys of a create request at 3.0; metadata joins at 3.43, availability_zone at 3.51 (below, they are unknown keys).</summary>
    private static readonly string[] CreateKeys = ["volume_id", "container", "description", "incremental", "force", "name", "snapshot_id"];

    private static async Task<IResult> CreateAsync(string project_id, HttpContext http, BackupDbContext db, VolumeServiceClient volumes, OutboxSignal outbox, QuotaOptions quotas)
    {
        var version = ApiVersion.Of(http);
        string[] allowed =
        [
            .. CreateKeys,
            .. version >= ApiVersion.BackupMetadata ? ["metadata"] : Array.Empty<string>(),
            .. version >= ApiVersion.BackupAvailabilityZone ? ["availability_zone"] : Array.Empty<string>(),
        ];
        var (body, error) = await RequestBody.ReadAsync(http.Request, "backup", allowedKeys: allowed);
        if (error is not null)
        {
            return error;
        }

        if (!body.TryGetProperty("volume_id", out _))
        {
            return CinderFault.BadRequest("Invalid input for field/attribute backup. Value: volume_id is missing. 'volume_id' is a required property");
        }

        if (!body.TryGetUuid("volume_id", out var volumeId, out var invalid) || volumeId is null
            || !body.TryGetString("name", out var name, out invalid)
            || !body.TryGetString("description", out var description, out invalid)
            || !body.TryGetString("container", out var container, out invalid)
            || !body.TryGetString("availability_zone", out var zone, out invalid)
            || !body.TryGetUuid("snapshot_id", out var snapshotId, out invalid)
            || !body.TryGetBoolean("incremental", out var incremental, out invalid)
            || !body.TryGetBoolean("force", out var force, out invalid)
            || !CinderMetadata.TryRead(body, out var metadata, out invalid))
        {
            return CinderFault.BadRequest(invalid ?? "Invalid input for field/attribute volume_id. Value: None. None is not of type 'string'");
        }

        // Cinder's drivers take an empty container as none (the default); anything else must be a plain name.
        container = string.IsNullOrEmpty(container) ? null : container;
        if (container is not null && !BackupContainers.IsValid(container))
        {
            return CinderFault.BadRequest(BackupContainers.Refusal(container));
        }

        var identity = RequestIdentity.Of(http);
        VolumeReserved volume;
        try
        {
            volume = await volumes.ReserveAsync(
                new ReserveVolume { VolumeId = volumeId.Value, ProjectId = project_id, Purpose = VolumePurpose.Backup, Force = force, SnapshotId = snapshotId },
                http.RequestAborted);
        }
        catch (VolumeServiceException e)
        {
            return e.NotFound ? CinderFault.NotFound(e.Message) : CinderFault.BadRequest(e.Message);
        }

        Backup? parent = null;
        if (incremental)
        {
            parent = await ParentAsync(db, volume, project_id, http.RequestAborted);
            var refusal = parent is null ? "Invalid backup: No backups available to do an incremental backup."
                : parent.Status != BackupStatus.Available ? "Invalid backup: The parent backup must be available for incremental backup."
                : parent.IsCinderFormat ? $"Invalid backup: The latest backup of this volume, {parent.Id}, was made by Cinder and imported: BackupPlatform restores it but adds no incremental backups to it. Make a full backup (incremental false)."
                : null;
            if (refusal is not null)
            {
                await volumes.ReleaseForBackupAsync(volume.VolumeId, snapshotId, CancellationToken.None);
                return CinderFault.BadRequest(refusal);
            }
        }

        var now = DateTime.UtcNow;
        var backup = BackupLifecycle.NewBackup(Guid.NewGuid(), project_id, identity.UserId);
        backup.VolumeId = volume.VolumeId;
        backup.SnapshotId = snapshotId;
        backup.Size = volume.SizeGb;
        backup.Container = container;
        backup.AvailabilityZone = zone ?? volume.AvailabilityZone;
        backup.ParentId = parent?.Id;
        backup.IsIncremental = parent is not null;
        backup.DataTimestamp = volume.SnapshotCreatedAt ?? now;
        backup.DisplayName = name;
        backup.DisplayDescription = description;
        backup.Metadata = metadata;
        backup.CreatedAt = now;
        backup.UpdatedAt = now;
        db.Backups.Add(backup);
        db.Send(QueueNames.Scheduler, new CreateBackup { BackupId = backup.Id, VolumeId = backup.VolumeId, SnapshotId = snapshotId, AvailabilityZone = backup.AvailabilityZone, VolumeHost = volume.Host, OperationId = Guid.NewGuid() }, backup.Id);
        QuotaExceeded? overQuota;
        try
        {
            overQuota = await Quotas.SaveChargedAsync(db, project_id, backup.Size, quotas, CancellationToken.None);
        }
        catch
        {
            await volumes.ReleaseForBackupAsync(volume.VolumeId, snapshotId, CancellationToken.None);
            throw;
        }

        if (overQuota is not null)
        {
            await volumes.ReleaseForBackupAsync(volume.VolumeId, snapshotId, CancellationToken.None);
            return CinderFault.OverQuota(overQuota.Message);
        }

        outbox.Notify();
        return Results.Json(new { backup = BackupView.Summary(backup, http.Request) }, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// Cinder's choice of parent: the volume's backup with the latest data_timestamp; for a backup of a
    /// snapshot, only backups whose data is older than the snapshot (a backup taken after the snapshot
    /// holds newer data than it). Failed backups hold no data and are passed over.
    /// </summary>
    private static Task<Backup?> ParentAsync(BackupDbContext db, VolumeReserved volume, string projectId, CancellationToken cancellationToken)
    {
        var candidates = db.Backups.AsNoTracking()
            .Where(b => b.VolumeId == volume.VolumeId && b.ProjectId == projectId && !b.Deleted && b.Status != BackupStatus.Error);
        if (volume.SnapshotCreatedAt is { } snapshotTaken)
        {
            candidates = candidates.Where(b => b.DataTimestamp < snapshotTaken);
        }

        return candidates.OrderByDescending(b => b.DataTimestamp).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// One page of the caller's backups. The ids of every match are read first (in order), so that
    /// marker, offset and count work for any sort key; only the page's rows are then loaded.
    /// </summary>
    private static async Task<IResult> ListAsync(string project_id, HttpContext http, BackupDbContext db, bool detail)
    {
        var identity = RequestIdentity.Of(http);
        var version = ApiVersion.Of(http);
        var (query, error) = BackupListQuery.Parse(http.Request.Query, version, identity.IsAdmin);
        if (error is not null)
        {
            return error;
        }

        var ids = await query!.Apply(db.Backups.AsNoTracking(), project_id).Select(b => b.Id).ToListAsync(http.RequestAborted);
        var start = 0;
        if (query.Marker is not null)
        {
            var marker = Guid.TryParse(query.Marker, out var markerId) ? ids.IndexOf(markerId) : -1;
            if (marker < 0)
            {
                return CinderFault.NotFound($"Marker {query.Marker} could not be found.");
            }

            start = marker + 1;
        }

        var pageIds = ids.Skip(start).Skip(query.Offset).Take(query.PageSize).ToList();
        var rows = await db.Backups.AsNoTracking().Where(b => pageIds.Contains(b.Id)).ToDictionaryAsync(b => b.Id, http.RequestAborted);
        var page = pageIds.Where(rows.ContainsKey).Select(id => rows[id]).ToList();

        var envelope = new Dictionary<string, object>
        {
            ["backups"] = page.Select(b => detail ? BackupView.Detail(b, http.Request, version, identity.IsAdmin) : BackupView.Summary(b, http.Request)).ToList(),
        };
        if (query.PageSize > 0 && page.Count == query.PageSize)
        {
            envelope["backups_links"] = new[] { new Dictionary<string, string> { ["rel"] = "next", ["href"] = NextPage(http.Request, page[^1].Id) } };
        }

        if (query.WithCount)
        {
            envelope["count"] = ids.Count;
        }

        return Results.Json(envelope);
    }

    /// <summary>The same query with marker = the page's last id. Unlike Cinder (which always links the summary list), a detail page links the next detail page.</summary>
    private static string NextPage(HttpRequest request, Guid lastId)
    {
        var query = request.Query.Where(q => q.Key != "marker").SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v)))
            .Append(KeyValuePair.Create("marker", (string?)lastId.ToString()));
        return $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{QueryString.Create(query)}";
    }

    private static async Task<IResult> ShowAsync(string project_id, string backup_id, HttpContext http, BackupDbContext db)
    {
        var backup = await BackupLookup.FindAsync(db, http, project_id, backup_id);
        return backup is null
            ? BackupLookup.NotFound(backup_id)
            : Results.Json(new { backup = BackupView.Detail(backup, http.Request, ApiVersion.Of(http), RequestIdentity.Of(http).IsAdmin) });
    }

    /// <summary>PUT (3.9): name and description, metadata from 3.43 (it replaces the whole set). A key present with null clears the field.</summary>
    private static async Task<IResult> UpdateAsync(string project_id, string backup_id, HttpContext http, BackupDbContext db)
    {
        var version = ApiVersion.Of(http);
        if (version < ApiVersion.BackupUpdate)
        {
            return CinderFault.NotFound();
        }

        string[] allowed = version >= ApiVersion.BackupMetadata ? ["name", "description", "metadata"] : ["name", "description"];
        var (body, error) = await RequestBody.ReadAsync(http.Request, "backup", allowedKeys: allowed);
        if (error is not null)
        {
            return error;
        }

        if (!body.TryGetString("name", out var name, out var invalid)
            || !body.TryGetString("description", out var description, out invalid)
            || !CinderMetadata.TryRead(body, out var metadata, out invalid))
        {
            return CinderFault.BadRequest(invalid!);
        }

        var found = await BackupLookup.FindAsync(db, http, project_id, backup_id);
        if (found is null)
        {
            return BackupLookup.NotFound(backup_id);
        }

        var backup = await db.Backups.SingleAsync(b => b.Id == found.Id, http.RequestAborted);
        if (body.TryGetProperty("name", out _))
        {
            backup.DisplayName = name;
        }

        if (body.TryGetProperty("description", out _))
        {
            backup.DisplayDescription = description;
        }

        if (body.TryGetProperty("metadata", out _))
        {
            backup.Metadata = metadata;
        }

        backup.UpdatedAt = DateTime.UtcNow;
        await db.SaveChangesAsync(CancellationToken.None);
        return Results.Json(new { backup = BackupView.Summary(backup, http.Request) });
    }

    private static async Task<IResult> DeleteAsync(string project_id, string backup_id, HttpContext http, BackupDbContext db, BackupLifecycle lifecycle, ServiceRegistryOptions registry, OutboxSignal outbox)
    {
        var backup = await BackupLookup.FindAsync(db, http, project_id, backup_id);
        if (backup is null)
        {
            return BackupLookup.NotFound(backup_id);
        }

        if (backup.NumDependentBackups > 0)
        {
            return CinderFault.BadRequest("Invalid backup: Incremental backups exist for this backup.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(http.RequestAborted);
        if (!await lifecycle.BeginDeleteAsync(backup.Id, http.RequestAborted))
        {
            return CinderFault.BadRequest("Invalid backup: Backup status must be available or error");
        }

        var (queue, host) = await DirectRoute.ForBackupAsync(db, backup, registry, CancellationToken.None);
        db.Send(queue, new DeleteBackup { BackupId = backup.Id, Host = host, OperationId = Guid.NewGuid() }, backup.Id);
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        outbox.Notify();
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> RestoreAsync(string project_id, string backup_id, HttpContext http, BackupDbContext db, BackupLifecycle lifecycle, VolumeServiceClient volumes, ServiceRegistryOptions registry, OutboxSignal outbox)
    {
        var (body, error) = await RequestBody.ReadAsync(http.Request, "restore", rootMayBeNull: true, allowedKeys: ["volume_id", "name"]);
        if (error is not null)
        {
            return error;
        }

        if (!body.TryGetUuid("volume_id", out var volumeId, out var invalid) || !body.TryGetString("name", out var name, out invalid))
        {
            return CinderFault.BadRequest(invalid!);
        }

        var backup = await BackupLookup.FindAsync(db, http, project_id, backup_id);
        if (backup is null)
        {
            return BackupLookup.NotFound(backup_id);
        }

        if (backup.Status != BackupStatus.Available)
        {
            return CinderFault.BadRequest("Invalid backup: Backup status must be available");
        }

        var identity = RequestIdentity.Of(http);
        VolumeReserved volume;
        string volumeName;
        try
        {
            if (volumeId is null)
            {
                var created = await volumes.CreateAsync(
                    new CreateVolume
                    {
                        ProjectId = project_id,
                        UserId = identity.UserId,
                        SizeGb = backup.Size,
                        Name = name ?? $"restore_backup_{backup.Id}",
                        Description = "auto-created_from_restore_from_backup",
                    },
                    http.RequestAborted);
                volumeId = created.VolumeId;
            }

            volume = await volumes.ReserveAsync(
                new ReserveVolume { VolumeId = volumeId.Value, ProjectId = project_id, Purpose = VolumePurpose.Restore, MinimumSizeGb = backup.Size },
                http.RequestAborted);
            volumeName = (await volumes.GetAsync(volume.VolumeId, project_id, http.RequestAborted)).Name ?? string.Empty;
        }
        catch (VolumeServiceException e)
        {
            return e.NotFound ? CinderFault.NotFound(e.Message) : CinderFault.BadRequest(e.Message);
        }

        bool claimed;
        await using (var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None))
        {
            claimed = await lifecycle.BeginRestoreAsync(backup.Id, volume.VolumeId, CancellationToken.None);
            if (claimed)
            {
                var (queue, host) = await DirectRoute.ForBackupAsync(db, backup, registry, CancellationToken.None);
                db.Send(queue, new RestoreBackup { BackupId = backup.Id, VolumeId = volume.VolumeId, Host = host, OperationId = Guid.NewGuid() }, backup.Id);
                await db.SaveChangesAsync(CancellationToken.None);
                await transaction.CommitAsync(CancellationToken.None);
            }
        }

        if (!claimed)
        {
            // Another restore took the backup first. The volume this request reserved (or created) is given back
            // only now, after the transaction ended: a call to the volume service never waits inside one (SQLite
            // would hold every writer of the deployment behind it).
            await GiveBackAsync(volumes, volume.VolumeId, http);
            return CinderFault.BadRequest("Invalid backup: Backup status must be available");
        }

        outbox.Notify();
        return Results.Json(
            new { restore = new Dictionary<string, object> { ["backup_id"] = backup.Id, ["volume_id"] = volume.VolumeId, ["volume_name"] = volumeName } },
            statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>Ends the reservation this request made. A refusal here must not turn the 400 into a 500: the volume service's
    /// own reservation timeout (or an administrator's os-reset_status) ends what this cannot.</summary>
    private static async Task GiveBackAsync(VolumeServiceClient volumes, Guid volumeId, HttpContext http)
    {
        try
        {
            await volumes.ReleaseAsync(volumeId, null, CancellationToken.None);
        }
        catch (Exception e) when (e is VolumeServiceException or TimeoutException or HttpRequestException or MassTransit.RequestTimeoutException)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BackupsApi))
                .LogWarning(e, "Restore refused, but volume {VolumeId} could not be released: an administrator may reset its status", volumeId);
        }
    }
}
