using System.Text.Json;
using BackupPlatform.Contracts;
using BackupPlatform.Contracts.Volume.V2;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.VolumeService;

/// <summary>
/// The volume-service contract itself: reservations, device lookup, connections and metadata, each
/// call answered by its answer type or by <see cref="VolumeRequestRefused"/>; served over HTTP by
/// <see cref="VolumeContractApi"/>. Every call is safe to repeat, so that callers can retry one whose
/// answer they did not get: each moves a volume to a state, not by a step.
/// </summary>
public sealed class VolumeContract(
    VolumeDbContext db,
    VolumeReservations reservations,
    VolumeFiles files,
    VolumeCreator creator,
    VolumesMarker marker,
    VolumeExports exports,
    ILogger<VolumeContract> logger)
{
    public async Task<VolumeAnswer<VolumeDetails>> CreateAsync(CreateVolume request, CancellationToken cancellationToken)
    {
        EnsureVersion(request.TargetVersion);
        try
        {
            return Details(await creator.CreateAsync(request.ProjectId, request.UserId, request.SizeGb, request.Name, request.Description, null, request.AvailabilityZone, cancellationToken));
        }
        catch (VolumeQuotaExceededException e)
        {
            return new VolumeRequestRefused { VolumeId = Guid.Empty, Reason = e.Message };
        }
    }

    public async Task<VolumeAnswer<VolumeReserved>> ReserveAsync(ReserveVolume request, CancellationToken cancellationToken)
    {
        EnsureVersion(request.TargetVersion);
        if (request.SnapshotId is { } snapshotId && request.Purpose == VolumePurpose.Backup)
        {
            var (source, snapshot, snapshotRefusal, notFound) = await reservations.ReserveSnapshotAsync(request.VolumeId, snapshotId, request.ProjectId, cancellationToken);
            if (snapshotRefusal is not null)
            {
                return new VolumeRequestRefused { VolumeId = request.VolumeId, Reason = snapshotRefusal, NotFound = notFound };
            }

            return new VolumeReserved
            {
                VolumeId = source!.Id,
                PreviousStatus = source.Status,
                Status = source.Status,
                SizeGb = source.Size,
                AvailabilityZone = source.AvailabilityZone,
                Host = source.Host,
                SnapshotCreatedAt = snapshot!.CreatedAt,
            };
        }

        var (volume, refusal) = await reservations.ReserveAsync(request.VolumeId, request.ProjectId, request.Purpose, request.Force, request.MinimumSizeGb, cancellationToken);
        if (volume is null || refusal is not null)
        {
            return new VolumeRequestRefused { VolumeId = request.VolumeId, Reason = refusal!, NotFound = volume is null };
        }

        return new VolumeReserved
        {
            VolumeId = volume.Id,
            PreviousStatus = volume.PreviousStatus ?? VolumeStatus.Available,
            Status = volume.Status,
            SizeGb = volume.Size,
            AvailabilityZone = volume.AvailabilityZone,
            Host = volume.Host,
        };
    }

    public async Task<VolumeAnswer<VolumeDetails>> GetAsync(GetVolume request, CancellationToken cancellationToken)
    {
        EnsureVersion(request.TargetVersion);
        var volume = await FindAsync(request.VolumeId, request.ProjectId, cancellationToken);
        return volume is null ? NotFound(request.VolumeId) : Details(volume);
    }

    /// <summary>
    /// An available volume is read in place. One that was in use when it was reserved (a forced
    /// backup) is copied to a temporary volume first, and the backup reads the copy, as Cinder backs
    /// up an in-use volume from a temporary volume or snapshot. Asked again for the same backup, it
    /// returns the same temporary volume.
    /// </summary>
    public async Task<VolumeAnswer<BackupDevice>> GetBackupDeviceAsync(GetBackupDevice request, CancellationToken cancellationToken)
    {
        EnsureVersion(request.TargetVersion);
        var volume = await FindAsync(request.VolumeId, null, cancellationToken);
        if (volume is null)
        {
            return NotFound(request.VolumeId);
        }

        if (volume.PreviousStatus != VolumeStatus.InUse && request.SnapshotId is null)
        {
            return new BackupDevice { DeviceVolumeId = volume.Id, IsTemporary = false };
        }

        var sourcePath = files.PathOf(volume.Id);
        if (request.SnapshotId is { } snapshotId)
        {
            var snapshot = await db.Snapshots.AsNoTracking().SingleOrDefaultAsync(s => s.Id == snapshotId && s.VolumeId == volume.Id && !s.Deleted, cancellationToken);
            if (snapshot is null || snapshot.Status != SnapshotStatus.BackingUp)
            {
                return new VolumeRequestRefused { VolumeId = volume.Id, Reason = $"Snapshot {snapshotId} is not reserved for this backup (status {snapshot?.Status ?? "missing"})." };
            }

            sourcePath = files.SnapshotPathOf(snapshotId);
        }

        var existing = await db.Volumes.AsNoTracking().SingleOrDefaultAsync(v => v.TemporaryForBackupId == request.BackupId && !v.Deleted, cancellationToken);
        if (existing is not null)
        {
            // Asked again while the first ask is still copying (its caller timed out and retried): the
            // copy is not a device yet. The caller retries later; it never reads a half copy.
            return existing.Status == VolumeStatus.Available
                ? new BackupDevice { DeviceVolumeId = existing.Id, IsTemporary = true }
                : throw new VolumeBusyException($"The temporary volume {existing.Id} for backup {request.BackupId} is still {existing.Status}.");
        }

        var temporary = new Volume
        {
            Id = Guid.NewGuid(),
            ProjectId = volume.ProjectId,
            UserId = volume.UserId,
            Name = $"backup-vol-{request.BackupId}",
            Status = VolumeStatus.Creating,
            Size = volume.Size,
            AvailabilityZone = volume.AvailabilityZone,
            Host = volume.Host,
            TemporaryForBackupId = request.BackupId,
            CreatedAt = DateTime.UtcNow,
        };
        db.Volumes.Add(temporary);
        await db.SaveChangesAsync(cancellationToken);
        VolumeFiles.CopySparse(sourcePath, files.PathOf(temporary.Id));
        temporary.Status = VolumeStatus.Available;
        // Recorded even when the caller has given up on this attempt: its retry finds the copy done.
        await db.SaveChangesAsync(CancellationToken.None);
        return new BackupDevice { DeviceVolumeId = temporary.Id, IsTemporary = true };
    }

    public async Task<VolumeAnswer<VolumeRequestDone>> DeleteTemporaryAsync(DeleteTemporaryVolume request, CancellationToken cancellationToken)
    {
        EnsureVersion(request.TargetVersion);
        var volume = await db.Volumes.SingleOrDefaultAsync(v => v.Id == request.VolumeId && v.TemporaryForBackupId != null, cancellationToken);
        if (volume is null)
        {
            return NotFound(request.VolumeId);
        }

        if (!volume.Deleted)
        {
            exports.RemoveVolume(volume.Id);
            files.Delete(volume.Id);
            volume.Deleted = true;
            volume.Status = "deleted";
            volume.DeletedAt = DateTime.UtcNow;
            await db.SaveChangesAsync(cancellationToken);
        }

        return new VolumeRequestDone { VolumeId = volume.Id, Status = volume.Status };
    }

    /// <summary>
    /// Cinder's initialize_connection: the connection info picks the worker's connector. A worker whose
    /// connector reports this service's file-system id (<see cref="VolumesMarker"/>) opens the volume's file
    /// under the directory where it found the marker; any other worker is given the HTTP data path
    /// (<see cref="VolumeDataApi"/>), exported to its host until it terminates the connection. A request
    /// without a connector (an older sender) gets the file path as this service sees it, as before connectors.
    /// </summary>
    public async Task<VolumeAnswer<VolumeConnection>> InitializeConnectionAsync(InitializeConnection request, CancellationToken cancellationToken)
    {
        EnsureVersion(request.TargetVersion);
        var volume = await FindAsync(request.VolumeId, null, cancellationToken);
        if (volume is null)
        {
            return NotFound(request.VolumeId);
        }

        var size = volume.Size * VolumeFiles.GiB;
        var path = files.PathOf(volume.Id);
        if (request.Connector is not { } connector)
        {
            return new VolumeConnection { VolumeId = volume.Id, DriverVolumeType = DriverVolumeTypes.File, Path = path, SizeBytes = size };
        }

        if (connector.VolumesFileSystemId == marker.FileSystemId && connector.VolumesPath is { } workerRoot)
        {
            logger.LogInformation("Volume {VolumeId} connected to {Host} through the file connector", volume.Id, request.Host);
            return new VolumeConnection
            {
                VolumeId = volume.Id,
                DriverVolumeType = DriverVolumeTypes.File,
                Path = Path.Combine(workerRoot, Path.GetRelativePath(files.Root, path)),
                SizeBytes = size,
            };
        }

        exports.Add(volume.Id, request.Host);
        logger.LogInformation("Volume {VolumeId} exported to {Host} over the HTTP data path (the host does not see {Root})", volume.Id, request.Host, files.Root);
        return new VolumeConnection { VolumeId = volume.Id, DriverVolumeType = DriverVolumeTypes.Http, Path = VolumeDataApi.PathOf(volume.Id, request.Host), SizeBytes = size };
    }

    public async Task<VolumeAnswer<VolumeRequestDone>> TerminateConnectionAsync(TerminateConnection request, CancellationToken cancellationToken)
    {
        EnsureVersion(request.TargetVersion);
        exports.Remove(request.VolumeId, request.Host);
        var volume = await FindAsync(request.VolumeId, null, cancellationToken);
        return volume is null ? NotFound(request.VolumeId) : new VolumeRequestDone { VolumeId = volume.Id, Status = volume.Status };
    }

    public async Task<VolumeAnswer<VolumeRequestDone>> ReleaseAsync(ReleaseVolume request, CancellationToken cancellationToken)
    {
        EnsureVersion(request.TargetVersion);
        if (request.SnapshotId is { } snapshotId)
        {
            var snapshot = await reservations.ReleaseSnapshotAsync(snapshotId, cancellationToken);
            return snapshot is null ? NotFound(request.VolumeId) : new VolumeRequestDone { VolumeId = request.VolumeId, Status = snapshot.Status };
        }

        var volume = await reservations.ReleaseAsync(request.VolumeId, request.Status, cancellationToken);
        return volume is null ? NotFound(request.VolumeId) : new VolumeRequestDone { VolumeId = volume.Id, Status = volume.Status };
    }

    public async Task<VolumeAnswer<VolumeRequestDone>> SetMetadataAsync(SetVolumeMetadata request, CancellationToken cancellationToken)
    {
        EnsureVersion(request.TargetVersion);
        var volume = await db.Volumes.SingleOrDefaultAsync(v => v.Id == request.VolumeId && !v.Deleted, cancellationToken);
        if (volume is null)
        {
            return NotFound(request.VolumeId);
        }

        var metadata = volume.Metadata is null ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(volume.Metadata) ?? [];
        foreach (var (key, value) in request.Metadata)
        {
            metadata[key] = value;
        }

        volume.Metadata = JsonSerializer.Serialize(metadata);
        volume.UpdatedAt = DateTime.UtcNow;
        await db.SaveChangesAsync(cancellationToken);
        return new VolumeRequestDone { VolumeId = volume.Id, Status = volume.Status };
    }

    private static VolumeDetails Details(Volume volume) => new()
    {
        VolumeId = volume.Id,
        ProjectId = volume.ProjectId,
        Status = volume.Status,
        PreviousStatus = volume.PreviousStatus,
        SizeGb = volume.Size,
        AvailabilityZone = volume.AvailabilityZone,
        Name = volume.Name,
        Description = volume.Description,
        Metadata = volume.Metadata is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(volume.Metadata),
    };

    private static void EnsureVersion(string targetVersion)
    {
        if (!RpcVersion.IsSupported(targetVersion, out var reason))
        {
            throw new UnsupportedRpcVersionException(reason);
        }
    }

    private Task<Volume?> FindAsync(Guid id, string? projectId, CancellationToken cancellationToken) =>
        db.Volumes.AsNoTracking().SingleOrDefaultAsync(v => v.Id == id && !v.Deleted && (projectId == null || v.ProjectId == projectId), cancellationToken);

    private static VolumeRequestRefused NotFound(Guid volumeId) =>
        new() { VolumeId = volumeId, Reason = $"Volume {volumeId} could not be found.", NotFound = true };
}
