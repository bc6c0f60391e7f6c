using System.Text.Json;
using BackupPlatform.Data;
using BackupPlatform.Hosting;
using BackupPlatform.Hosting.Journal;
using BackupPlatform.Hosting.Lifecycle;
using BackupPlatform.Storage.Cinder;
using BackupPlatform.Storage.Engine;
using BackupPlatform.Storage.Stores;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Worker;

/// <summary>
/// The worker's workflows, after Cinder's BackupManager: create, restore and delete. Each checks the
/// row's status before it acts, so a command delivered twice or replayed later changes nothing, and
/// each leaves backup and volume in a final status whatever fails.
/// </summary>
public sealed class BackupManager(
    BackupDbContext db,
    VolumeServiceClient volumes,
    VolumeConnectors connectors,
    IObjectStore store,
    EngineOptions engine,
    StoreOptions storeOptions,
    WorkerOptions worker,
    BackupLifecycle lifecycle,
    BackupNotifier notifier,
    RestoreCancellation cancellation,
    ConsumeNote note,
    ILogger<BackupManager> logger)
{
    public async Task CreateAsync(Guid backupId, CancellationToken cancellationToken)
    {
        var backup = await db.Backups.AsNoTracking().SingleOrDefaultAsync(b => b.Id == backupId, cancellationToken);
        if (backup is null || backup.Status != BackupStatus.Creating)
        {
            logger.LogInformation("Backup {BackupId} is {Status}, not creating: nothing to do", backupId, backup?.Status ?? "missing");
            note.Skipped($"backup is {backup?.Status ?? "missing"}, not creating: nothing to do");
            return;
        }

        var container = backup.Container ?? storeOptions.DefaultContainer;
        var claimed = await lifecycle.BeginCreateAsync(backupId, worker.Host, worker.AvailabilityZone, store.Name, container, cancellationToken);
        if (claimed is null)
        {
            // Begun before by a host that died or restarted: its cleanup ends it, this delivery must not run it twice.
            logger.LogWarning("Backup {BackupId} was already begun elsewhere: redelivery dropped", backupId);
            note.Skipped("backup was already begun: redelivery dropped");
            return;
        }


        var attached = false;
        Guid? deviceId = null;
        Guid? temporary = null;
        var writing = false;
        try
        {
            var volume = await volumes.GetAsync(backup.VolumeId, null, cancellationToken);

            // A snapshot backup reserved the snapshot (checked by the volume service when it makes the device), not the volume.
            if (backup.SnapshotId is null && volume.Status != "backing-up")
            {
                throw new InvalidOperationException($"Create backup aborted, expected volume status backing-up but got {volume.Status}.");
            }

            var device = await volumes.GetBackupDeviceAsync(backup.VolumeId, backupId, backup.SnapshotId, cancellationToken);
            deviceId = device.DeviceVolumeId;
            if (device.IsTemporary)
            {
                temporary = device.DeviceVolumeId;
                await db.Backups.Where(b => b.Id == backupId).ExecuteUpdateAsync(s => s.SetProperty(b => b.TempVolumeId, temporary), cancellationToken);
            }

            var connection = await volumes.InitializeConnectionAsync(device.DeviceVolumeId, worker.Host, connectors.Properties(), cancellationToken);
            attached = true;
            writing = true;
            BackupResult result;
            await using (var volumeDevice = connectors.Open(connection, forWriting: false))
            {
                result = await new BackupWriter(store, engine).WriteAsync(
                    new BackupRequest
                    {
                        BackupId = backupId,
                        VolumeId = backup.VolumeId,
                        ProjectId = backup.ProjectId,
                        Device = volumeDevice,
                        SizeBytes = connection.SizeBytes,
                        Container = container,
                        VolumeMetadata = VolumeMetadataContainer.Write(volume),
                        ParentBackupId = backup.ParentId,
                        Progress = notifier.Progress(claimed, "backup.createprogress", connection.SizeBytes),
                    },
                    cancellationToken);
            }

            writing = false;
            await volumes.TerminateConnectionAsync(device.DeviceVolumeId, worker.Host, cancellationToken);
            attached = false;
            await DeleteTemporaryAsync(backupId, temporary);
            await volumes.ReleaseForBackupAsync(backup.VolumeId, backup.SnapshotId, cancellationToken);

            var serviceMetadata = BackupServiceMetadata.WithManifest(
                JsonSerializer.Serialize(new { format_version = BackupManifest.CurrentFormatVersion, chunk_size = engine.ChunkSize, compression = engine.Compression }), backupId);
            if (!await lifecycle.CompleteCreateAsync(backupId, backup.ParentId, volume.SizeGb, (int)result.ObjectsWritten, serviceMetadata, cancellationToken))
            {
                // An operator reset or deleted it meanwhile: the status they set stays, the data written stays for them.
                logger.LogWarning("Backup {BackupId} was moved on from creating while it ran: its end is not recorded", backupId);
                return;
            }

            if (result.ParentUnreadable is { } damage)
            {
                logger.LogWarning("Backup {BackupId} could not follow its parent {ParentId}'s index ({Reason}): it is whole, but the parent may not restore", backupId, backup.ParentId, damage);
            }

            logger.LogInformation("Backup {BackupId} of volume {VolumeId} available: {Chunks} chunks, {Zero} zero, {Deduped} deduplicated, {Bytes} bytes uploaded",
                backupId, backup.VolumeId, result.ChunkCount, result.ZeroChunks, result.DedupedChunks, result.BytesUploaded);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Backup {BackupId} failed", backupId);
            if (attached && deviceId is { } device)
            {
                await TryAsync(() => volumes.TerminateConnectionAsync(device, worker.Host, CancellationToken.None));
            }

            await DeleteTemporaryAsync(backupId, temporary);
            await TryAsync(() => volumes.ReleaseForBackupAsync(backup.VolumeId, backup.SnapshotId, CancellationToken.None));
            await lifecycle.FailCreateAsync(backupId, Reason(e), CancellationToken.None);
            WorkerMetrics.Failed("create", e);
            if (writing && !cancellationToken.IsCancellationRequested)
            {
                // The backup is in error as Cinder leaves it; the command faults as well, so that it waits
                // in the error queue and the journal for a replay once the store is back.
                throw new StoreFailureException(backupId, Reason(e), e);
            }
        }
    }

    public async Task RestoreAsync(Guid backupId, Guid volumeId, CancellationToken cancellationToken)
    {
        var backup = await db.Backups.AsNoTracking().SingleOrDefaultAsync(b => b.Id == backupId, cancellationToken);
        if (backup is null || backup.Status != BackupStatus.Restoring || backup.RestoreVolumeId != volumeId)
        {
            logger.LogInformation("Backup {BackupId} is {Status}, not restoring to {VolumeId}: nothing to do", backupId, backup?.Status ?? "missing", volumeId);
            note.Skipped($"backup is {backup?.Status ?? "missing"}, not restoring to {volumeId}: nothing to do");
            return;
        }

        var claimed = await lifecycle.StartRestoreAsync(backupId, volumeId, worker.Host, cancellationToken);
        if (claimed is null)
        {
            logger.LogWarning("Restore of backup {BackupId} was already begun elsewhere: redelivery dropped", backupId);
            note.Skipped("restore was already begun: redelivery dropped");
            return;
        }

        await using var watch = cancellation.Start(backupId, cancellationToken);
        var attached = false;
        try
        {
            var volume = await volumes.GetAsync(volumeId, null, watch.Token);
            if (volume.Status != "restoring-backup")
            {
                throw new InvalidOperationException($"Restore backup aborted, expected volume status restoring-backup but got {volume.Status}.");
            }

            var connection = await volumes.InitializeConnectionAsync(volumeId, worker.Host, connectors.Properties(), watch.Token);
            attached = true;
            var progress = notifier.Progress(claimed, "backup.restoreprogress", connection.SizeBytes);
            Dictionary<string, string> metadata;
            if (backup.IsCinderFormat)
            {
                var chain = await CinderChainAsync(backup, watch.Token);
                CinderBackup newest;
                await using (var volumeDevice = connectors.Open(connection, forWriting: true))
                {
                    newest = await new CinderBackupReader(store).RestoreAsync(chain, volumeDevice, progress, watch.Token);
                }

                metadata = VolumeMetadataContainer.ReadVolumeMetadata(newest.Metadata.VolumeMeta);
            }
            else
            {
                var restorer = new BackupRestorer(store, engine);
                var backupContainer = backup.Container ?? storeOptions.DefaultContainer;

                // The metadata container is checked before a byte is written: an unknown version fails clearly and early.
                // So is the key of an encrypted backup: the metadata opens only with it.
                var manifest = await restorer.ReadManifestAsync(backupContainer, backupId, watch.Token);
                metadata = VolumeMetadataContainer.ReadVolumeMetadata(restorer.ReadVolumeMetadata(manifest));
                await using var volumeDevice = connectors.Open(connection, forWriting: true);
                await restorer.RestoreAsync(backupContainer, backupId, volumeDevice, targetIsNew: false, progress, watch.Token);
            }

            metadata["src_backup_id"] = backupId.ToString();
            await volumes.SetMetadataAsync(volumeId, metadata, watch.Token);
            await volumes.TerminateConnectionAsync(volumeId, worker.Host, cancellationToken);
            attached = false;
            await volumes.ReleaseAsync(volumeId, "available", cancellationToken);
            await lifecycle.EndRestoreAsync(backupId, null, cancellationToken);
            logger.LogInformation("Backup {BackupId} restored to volume {VolumeId}", backupId, volumeId);
        }
        catch (OperationCanceledException) when (watch.StatusSet is not null && !cancellationToken.IsCancellationRequested)
        {
            // Cancelled by a status change: the backup keeps the status that was set, the half-written volume is unusable.
            logger.LogWarning("Restore of backup {BackupId} to volume {VolumeId} cancelled: backup set to {Status}", backupId, volumeId, watch.StatusSet);
            if (attached)
            {
                await TryAsync(() => volumes.TerminateConnectionAsync(volumeId, worker.Host, CancellationToken.None));
            }

            // Reset-status leaves the volume in error, as Cinder's BackupRestoreCancel does; a force-delete ends the
            // restore as a failed one, error_restoring.
            var volumeStatus = watch.StatusSet is BackupStatus.Available or BackupStatus.Error ? "error" : "error_restoring";
            await TryAsync(() => volumes.ReleaseAsync(volumeId, volumeStatus, CancellationToken.None));
            await lifecycle.StopRestoreAsync(backupId, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Restore of backup {BackupId} to volume {VolumeId} failed", backupId, volumeId);
            WorkerMetrics.Failed("restore", e);
            if (attached)
            {
                await TryAsync(() => volumes.TerminateConnectionAsync(volumeId, worker.Host, CancellationToken.None));
            }

            await TryAsync(() => volumes.ReleaseAsync(volumeId, "error_restoring", CancellationToken.None));

            // As in Cinder, the backup itself is intact and returns to available; the reason stays on it.
            await lifecycle.EndRestoreAsync(backupId, $"Restore to volume {volumeId} failed: {Reason(e)}", CancellationToken.None);
        }
    }

    public async Task DeleteAsync(Guid backupId, CancellationToken cancellationToken)
    {
        var backup = await db.Backups.AsNoTracking().SingleOrDefaultAsync(b => b.Id == backupId, cancellationToken);
        if (backup is null || backup.Status != BackupStatus.Deleting)
        {
            logger.LogInformation("Backup {BackupId} is {Status}, not deleting: nothing to do", backupId, backup?.Status ?? "missing");
            note.Skipped($"backup is {backup?.Status ?? "missing"}, not deleting: nothing to do");
            return;
        }

        if (await lifecycle.StartDeleteAsync(backupId, worker.Host, cancellationToken) is null)
        {
            note.Skipped("backup is no longer deleting: nothing to do");
            return;
        }

        try
        {
            // A backup made by Cinder is only unlisted: its objects are Cinder's (docs/cinder-format.md).
            if (backup.Container is { } container && !backup.IsCinderFormat)
            {
                try
                {
                    await new BackupWriter(store, engine).DeleteAsync(container, backupId, cancellationToken);
                }
                catch (Exception e) when (!BackupContainers.IsValid(container) && e is ArgumentException or StoreException or IOException)
                {
                    // A container name accepted before names were checked, that the store cannot address: nothing
                    // can have been written under it, and the row must not stay in error_deleting for ever.
                    logger.LogWarning(e, "Backup {BackupId}'s container cannot be addressed in the store; the backup holds no data there and is deleted", backupId);
                }
            }

            await lifecycle.FinishDeleteAsync(backup, cancellationToken);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Delete of backup {BackupId} failed", backupId);
            WorkerMetrics.Failed("delete", e);
            await lifecycle.FailDeleteAsync(backupId, Reason(e), CancellationToken.None);
        }
    }

    /// <summary>
    /// Cinder's import_record on the worker: the imported row becomes available only when its manifest
    /// reads and every chunk its index names is in the store; otherwise error, saying what is missing.
    /// The record's service_metadata and container locate the data: under another id than the row's,
    /// the row gets its own copy of manifest and index over the same packs (<see cref="BackupImporter"/>).
    /// </summary>
    public async Task ImportAsync(Guid backupId, CancellationToken cancellationToken)
    {
        var backup = await db.Backups.AsNoTracking().SingleOrDefaultAsync(b => b.Id == backupId, cancellationToken);
        if (backup is null || backup.Status != BackupStatus.Creating || backup.VolumeId != Guid.Empty)
        {
            logger.LogInformation("Backup {BackupId} is not an import in progress: nothing to do", backupId);
            note.Skipped("backup is not an import in progress: nothing to do");
            return;
        }

        if (backup.IsCinderFormat)
        {
            await ImportCinderAsync(backup, cancellationToken);
            return;
        }

        try
        {
            var container = backup.Container ?? storeOptions.DefaultContainer;
            var source = BackupServiceMetadata.ManifestOwner(backup.ServiceMetadata) ?? backupId;
            var verification = await new BackupImporter(store, engine).ImportAsync(container, source, backupId, cancellationToken);
            if (verification.Missing.Count > 0)
            {
                throw new InvalidDataException($"Backup is damaged: {verification.Missing.Count} of {verification.Packs} packs missing from the store, e.g. {verification.Missing[0]}.");
            }

            await lifecycle.CompleteImportAsync(
                backupId,
                s => s.SetProperty(b => b.VolumeId, verification.Manifest.VolumeId)
                    .SetProperty(b => b.Host, worker.Host)
                    .SetProperty(b => b.AvailabilityZone, worker.AvailabilityZone)
                    .SetProperty(b => b.Service, store.Name)
                    .SetProperty(b => b.Container, container)
                    .SetProperty(b => b.ServiceMetadata, BackupServiceMetadata.WithManifest(backup.ServiceMetadata, backupId)),
                cancellationToken);
            logger.LogInformation("Imported backup {BackupId} from the data of {Source} verified: {Packs} packs present", backupId, source, verification.Packs);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Import of backup {BackupId} failed verification", backupId);
            WorkerMetrics.Failed("import", e);
            await lifecycle.FailImportAsync(backupId, Reason(e), CancellationToken.None);
        }
    }

    /// <summary>
    /// import_record of a backup made by Cinder: available once its metadata and sha256file read, are of the
    /// version Cinder restores, and every object they name is in this worker's store, where the record says.
    /// </summary>
    private async Task ImportCinderAsync(Backup backup, CancellationToken cancellationToken)
    {
        try
        {
            if (backup.Service != store.Name || backup.Container is null)
            {
                throw new InvalidDataException(
                    $"The record is of a Cinder backup in a {backup.Service} store (container {backup.Container ?? "(none)"}), this worker's store is {store.Name}: import it where a worker reads that store.");
            }

            var cinder = await new CinderBackupReader(store).ReadAsync(new CinderBackupLocation(backup.Id, backup.Container, backup.ServiceMetadata!), cancellationToken);
            var volumeId = Guid.TryParse(cinder.Metadata.VolumeId, out var id) ? id : Guid.Empty;
            var objects = cinder.Metadata.ObjectsInOrder().Count();
            await lifecycle.CompleteImportAsync(
                backup.Id,
                s => s.SetProperty(b => b.VolumeId, volumeId)
                    .SetProperty(b => b.ObjectCount, objects)
                    .SetProperty(b => b.Host, worker.Host)
                    .SetProperty(b => b.AvailabilityZone, worker.AvailabilityZone),
                cancellationToken);
            logger.LogInformation("Imported Cinder backup {BackupId} verified: {Objects} objects present in {Container}", backup.Id, objects, backup.Container);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Import of Cinder backup {BackupId} failed verification", backup.Id);
            WorkerMetrics.Failed("import", e);
            await lifecycle.FailImportAsync(backup.Id, Reason(e), CancellationToken.None);
        }
    }

    /// <summary>A Cinder backup and its parents, full backup first, as Cinder's restore layers them; each parent must be imported too.</summary>
    private async Task<List<CinderBackupLocation>> CinderChainAsync(Backup backup, CancellationToken cancellationToken)
    {
        var chain = new List<CinderBackupLocation>();
        for (Backup? current = backup; current is not null;)
        {
            if (!current.IsCinderFormat || current.Container is null || chain.Count > 1000)
            {
                throw new InvalidDataException($"Backup {current.Id} in the chain of Cinder backup {backup.Id} is not a Cinder backup with a container: the chain cannot be restored.");
            }

            chain.Add(new CinderBackupLocation(current.Id, current.Container, current.ServiceMetadata!));
            if (current.ParentId is not { } parentId)
            {
                break;
            }

            current = await db.Backups.AsNoTracking().SingleOrDefaultAsync(b => b.Id == parentId && !b.Deleted, cancellationToken)
                ?? throw new InvalidDataException($"Cinder backup {current.Id}'s parent {parentId} is not in the catalogue: import its record first (cinder backup-import).");
        }

        chain.Reverse();
        return chain;
    }

    /// <summary>The temporary volume of a forced backup is removed whatever the backup's outcome.</summary>
    private async Task DeleteTemporaryAsync(Guid backupId, Guid? temporary)
    {
        if (temporary is { } volumeId)
        {
            await TryAsync(() => volumes.DeleteTemporaryAsync(volumeId, CancellationToken.None));
            await db.Backups.Where(b => b.Id == backupId).ExecuteUpdateAsync(s => s.SetProperty(b => b.TempVolumeId, (Guid?)null), CancellationToken.None);
        }
    }

    /// <summary>
    /// The fail_reason a tenant reads: what failed, never the server's paths or .NET type names (the log has
    /// the whole exception, under the backup id).
    /// </summary>
    private static string Reason(Exception e) => FailReasons.ForTenant(e);

    private async Task TryAsync(Func<Task> cleanup)
    {
        try
        {
            await cleanup();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Cleanup step failed");
        }
    }
}
