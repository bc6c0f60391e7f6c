using System.Text.Json;
using BackupPlatform.Contracts.Backup.V2;
using BackupPlatform.Data;
using BackupPlatform.Hosting;
using BackupPlatform.Hosting.Lifecycle;
using BackupPlatform.Hosting.Http;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Api;

/// <summary>
/// The admin side of the backups resource (Cinder's BackupAdminController and export/import):
/// os-reset_status, os-force_delete, export_record, import_record. Admin only: 403 otherwise.
/// </summary>
public static class BackupActionsApi
{
    private const string ServicePrefix = "cinder.backup.drivers.";
    private static readonly string[] Drivers = ["posix", "swift", "s3"];

    public static void MapBackupActionsApi(this IEndpointRouteBuilder endpoints)
    {
        var project = endpoints.MapProjectScope();
        project.MapPost("/backups/{backup_id}/action", ActionAsync);
        project.MapGet("/backups/{backup_id}/export_record", ExportAsync);
        project.MapPost("/backups/import_record", ImportAsync);
    }

    private static async Task<IResult> ActionAsync(string project_id, string backup_id, HttpContext http, BackupDbContext db, BackupLifecycle lifecycle, ServiceRegistryOptions registry, OutboxSignal outbox)
    {
        var identity = RequestIdentity.Of(http);
        var (body, error) = await RequestBody.ReadDocumentAsync(http.Request);
        if (error is not null)
        {
            return error;
        }

        if (body.ValueKind != JsonValueKind.Object || body.EnumerateObject().Count() != 1)
        {
            return CinderFault.BadRequest("There is either no action or more than one action in the request body.");
        }

        var action = body.EnumerateObject().Single();
        if (action.Name is not ("os-reset_status" or "os-force_delete"))
        {
            return CinderFault.BadRequest($"There is no such action: {action.Name}");
        }

        if (!identity.IsAdmin)
        {
            return CinderFault.Forbidden($"Policy doesn't allow volume_extension:backup_admin_actions:{action.Name[3..]} to be performed.");
        }

        var backup = await BackupLookup.FindAsync(db, http, project_id, backup_id);
        if (backup is null)
        {
            return BackupLookup.NotFound(backup_id);
        }

        return action.Name == "os-reset_status"
            ? await ResetStatusAsync(backup, action.Value, lifecycle)
            : await ForceDeleteAsync(backup, db, lifecycle, registry, outbox);
    }

    /// <summary>
    /// Sets the status with no check of the current one, as Cinder does; a restore in progress sees
    /// the change and stops (BackupRestoreCancel).
    /// </summary>
    private static async Task<IResult> ResetStatusAsync(Backup backup, JsonElement body, BackupLifecycle lifecycle)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("status", out var statusElement) || statusElement.ValueKind != JsonValueKind.String
            || body.EnumerateObject().Count() != 1)
        {
            return CinderFault.BadRequest("Invalid input for field/attribute os-reset_status. 'status' is a required property and the only one allowed.");
        }

        var status = statusElement.GetString()!.ToLowerInvariant();
        if (!BackupMoves.ResetTo.Contains(status))
        {
            return CinderFault.BadRequest($"Backup status: {statusElement.GetString()} is invalid, valid statuses are: ['available', 'error'].");
        }

        // Deleted meanwhile: the row is gone for the caller as well.
        return await lifecycle.ResetAsync(backup, status, CancellationToken.None)
            ? Results.StatusCode(StatusCodes.Status202Accepted)
            : BackupLookup.NotFound(backup.Id.ToString());
    }

    /// <summary>Deletes in any status (the chunked stores all support it); still refused while incremental backups depend on it.</summary>
    private static async Task<IResult> ForceDeleteAsync(Backup backup, BackupDbContext db, BackupLifecycle lifecycle, ServiceRegistryOptions registry, OutboxSignal outbox)
    {
        if (backup.NumDependentBackups > 0)
        {
            return CinderFault.BadRequest("Invalid backup: Incremental backups exist for this backup.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync();
        if (!await lifecycle.ForceDeleteAsync(backup.Id, CancellationToken.None))
        {
            return BackupLookup.NotFound(backup.Id.ToString());
        }

        var (queue, host) = await DirectRoute.ForBackupAsync(db, backup, registry, CancellationToken.None);
        db.Send(queue, new DeleteBackup { BackupId = backup.Id, Host = host, OperationId = Guid.NewGuid() }, backup.Id);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        outbox.Notify();
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> ExportAsync(string project_id, string backup_id, HttpContext http, BackupDbContext db)
    {
        if (!RequestIdentity.Of(http).IsAdmin)
        {
            return CinderFault.Forbidden("Policy doesn't allow backup:export-import to be performed.");
        }

        var backup = await BackupLookup.FindAsync(db, http, project_id, backup_id);
        if (backup is null)
        {
            return BackupLookup.NotFound(backup_id);
        }

        if (backup.Status != BackupStatus.Available)
        {
            return CinderFault.BadRequest($"Invalid backup: Backup status must be available and not {backup.Status}.");
        }

        return Results.Json(new Dictionary<string, object>
        {
            ["backup-record"] = new Dictionary<string, string>
            {
                ["backup_service"] = ServicePrefix + (backup.Service ?? "posix"),
                ["backup_url"] = BackupRecord.Of(backup).Encode(),
            },
        });
    }

    private static async Task<IResult> ImportAsync(string project_id, HttpContext http, BackupDbContext db, OutboxSignal outbox, QuotaOptions quotas)
    {
        var identity = RequestIdentity.Of(http);
        if (!identity.IsAdmin)
        {
            return CinderFault.Forbidden("Policy doesn't allow backup:export-import to be performed.");
        }

        var (body, error) = await RequestBody.ReadAsync(http.Request, "backup-record", allowedKeys: ["backup_service", "backup_url"]);
        if (error is not null)
        {
            return error;
        }

        if (!body.TryGetString("backup_service", out var service, out var invalid) || !body.TryGetString("backup_url", out var url, out invalid, int.MaxValue)
            || service is null || string.IsNullOrEmpty(url))
        {
            return CinderFault.BadRequest(invalid ?? "Invalid input for field/attribute backup-record: 'backup_service' and 'backup_url' are required.");
        }

        var record = BackupRecord.Decode(url);
        if (record is null)
        {
            return CinderFault.BadRequest("Invalid input received: Can't decode/parse backup record.");
        }

        // A record exported by Cinder itself names data in Cinder's chunked format, read where it lies.
        var madeByCinder = CinderFormat.IsCinderChunked(record.ServiceMetadata);
        var driver = madeByCinder ? CinderFormat.StoreFor(service)
            : service.StartsWith(ServicePrefix, StringComparison.Ordinal) ? service[ServicePrefix.Length..] : service;
        if (driver is null || !Drivers.Contains(driver))
        {
            return CinderFault.BadRequest($"Invalid input received: Unsupported backup service {service}.");
        }

        if (record.Id == Guid.Empty || record.Size is null)
        {
            return CinderFault.BadRequest("Invalid input received: Can't parse backup record: 'id' and 'size' are required.");
        }

        if (ImportRecordCheck.Refusal(record) is { } refusal)
        {
            return CinderFault.BadRequest(refusal);
        }

        var existing = await db.Backups.SingleOrDefaultAsync(b => b.Id == record.Id, http.RequestAborted);
        if (existing is { Deleted: false })
        {
            return CinderFault.BadRequest("Invalid backup: Backup already exists in database.");
        }

        // A soft-deleted row of the same id is revived, so incremental chains keep their links.
        var now = DateTime.UtcNow;
        var backup = existing ?? BackupLifecycle.NewBackup(record.Id, project_id, identity.UserId);
        backup.ProjectId = project_id;
        backup.UserId = identity.UserId;
        backup.VolumeId = Guid.Empty;
        backup.SnapshotId = record.SnapshotId;
        BackupLifecycle.RequestCreate(backup);
        backup.Size = record.Size.Value;
        backup.ObjectCount = record.ObjectCount;
        backup.Container = record.Container;
        backup.Service = driver;
        backup.ServiceMetadata = record.ServiceMetadata;
        backup.ParentId = record.ParentId;
        backup.IsIncremental = record.ParentId is not null;
        backup.NumDependentBackups = record.NumDependentBackups;
        backup.DataTimestamp = record.DataTimestamp;
        backup.DisplayName = record.DisplayName;
        backup.DisplayDescription = record.DisplayDescription;
        backup.Metadata = record.Metadata;
        backup.Host = null;
        backup.WorkStartedAt = null;
        backup.CreatedAt = existing?.CreatedAt ?? now;
        backup.UpdatedAt = now;
        backup.Deleted = false;
        backup.DeletedAt = null;
        if (existing is null)
        {
            db.Backups.Add(backup);
        }

        if (madeByCinder)
        {
            await CountCinderChainAsync(db, backup, http.RequestAborted);
        }

        db.Send(QueueNames.Scheduler, new ImportBackup { BackupId = backup.Id, OperationId = Guid.NewGuid() }, backup.Id);
        if (await Quotas.SaveChargedAsync(db, project_id, backup.Size, quotas, CancellationToken.None) is { } overQuota)
        {
            return CinderFault.OverQuota(overQuota.Message);
        }

        outbox.Notify();
        return Results.Json(new { backup = BackupView.Summary(backup, http.Request) }, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>
    /// A Cinder chain is imported one record at a time, in any order, and each record counts the dependents
    /// it had in the Cinder deployment: counted here instead, so that a parent is refused deletion exactly
    /// while an imported incremental needs it.
    /// </summary>
    private static async Task CountCinderChainAsync(BackupDbContext db, Backup backup, CancellationToken cancellationToken)
    {
        backup.NumDependentBackups = await db.Backups.CountAsync(b => b.ParentId == backup.Id && !b.Deleted, cancellationToken);
        if (backup.ParentId is { } parentId && await db.Backups.SingleOrDefaultAsync(b => b.Id == parentId && !b.Deleted, cancellationToken) is { } parent)
        {
            parent.NumDependentBackups++;
        }
    }
}
