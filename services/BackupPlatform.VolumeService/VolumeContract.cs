using System.Text.Json;
using BackupPlatform.Contracts;
using BackupPlatform.Contracts.Volume.V2;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.VolumeService;

/// <summary>
/// The volume-service contract itself: reservations, device lookup, connections and metadata, each
/// request answered by its answer type or by <see cref="VolumeRequestRefused"/>. Served on the bus
/// (<see cref="VolumeContractConsumer"/>) and over HTTP (<see cref="VolumeContractApi"/>). Every
/// request is safe to repeat: each moves a volume to a state, not by a step.
/// </summary>
public sealed class VolumeContract(VolumeDbContext db, VolumeReservations reservations, VolumeFiles files, VolumeCreator creator)
{
    public static readonly Type[] Requests =
    [
        typeof(CreateVolume), typeof(ReserveVolume), typeof(GetVolume), typeof(GetBackupDevice),
        typeof(InitializeConnection), typeof(TerminateConnection), typeof(ReleaseVolume), typeof(SetVolumeMetadata), typeof(DeleteTemporaryVolume),
    ];

    public Task<object> HandleAsync(object request, CancellationToken cancellationToken) => request switch
    {
        CreateVolume r => CreateAsync(r, cancellationToken),
        ReserveVolume r => ReserveAsync(r, cancellationToken),
        GetVolume r => GetAsync(r, cancellationToken),
        GetBackupDevice r => GetBackupDeviceAsync(r, cancellationToken),
        InitializeConnection r => InitializeConnectionAsync(r, cancellationToken),
        TerminateConnection r => TerminateConnectionAsync(r, cancellationToken),
        ReleaseVolume r => ReleaseAsync(r, cancellationToken),
        SetVolumeMetadata r => SetMetadataAsync(r, cancellationToken),
        DeleteTemporaryVolume r => DeleteTemporaryAsync(r, cancellationToken),
        _ => throw new ArgumentException($"{request.GetType().Name} is not a volume-service request.", nameof(request)),
    };

    private async Task<object> CreateAsync(CreateVolume request, CancellationToken cancellationToken)
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

    private async Task<object> ReserveAsync(ReserveVolume request, CancellationToken cancellationToken)
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

    private async Task<object> GetAsync(GetVolume request, CancellationToken cancellationToken)
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
    private async Task<object> GetBackupDeviceAsync(GetBackupDevice request, CancellationToken cancellationToken)
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
            return new BackupDevice { DeviceVolumeId = existing.Id, IsTemporary = true };
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
        await db.SaveChangesAsync(cancellationToken);
        return new BackupDevice { DeviceVolumeId = temporary.Id, IsTemporary = true };
    }

    private async Task<object> DeleteTemporaryAsync(DeleteTemporaryVolume request, CancellationToken cancellationToken)
    {
        EnsureVersion(request.TargetVersion);
        var volume = await db.Volumes.SingleOrDefaultAsync(v => v.Id == request.VolumeId && v.TemporaryForBackupId != null, cancellationToken);
        if (volume is null)
        {
            return NotFound(request.VolumeId);
        }

        if (!volume.Deleted)
        {
            files.Delete(volume.Id);
            volume.Deleted = true;
            volume.Status = "deleted";
            volume.DeletedAt = DateTime.UtcNow;
            await db.SaveChangesAsync(cancellationToken);
        }

        return new VolumeRequestDone { VolumeId = volume.Id, Status = volume.Status };
    }

    private async Task<object> InitializeConnectionAsync(InitializeConnection request, CancellationToken cancellationToken)
    {
        EnsureVersion(request.TargetVersion);
        var volume = await FindAsync(request.VolumeId, null, cancellationToken);
        return volume is null
            ? NotFound(request.VolumeId)
            : new VolumeConnection { VolumeId = volume.Id, DriverVolumeType = "file", Path = files.PathOf(volume.Id), SizeBytes = volume.Size * VolumeFiles.GiB };
    }

    private async Task<object> TerminateConnectionAsync(TerminateConnection request, CancellationToken cancellationToken)
    {
        EnsureVersion(request.TargetVersion);
        var volume = await FindAsync(request.VolumeId, null, cancellationToken);
        return volume is null ? NotFound(request.VolumeId) : new VolumeRequestDone { VolumeId = volume.Id, Status = volume.Status };
    }

    private async Task<object> ReleaseAsync(ReleaseVolume request, CancellationToken cancellationToken)
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

    private async Task<object> SetMetadataAsync(SetVolumeMetadata request, CancellationToken cancellationToken)
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
