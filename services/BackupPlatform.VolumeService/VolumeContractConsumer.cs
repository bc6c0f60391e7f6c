using System.Text.Json;
using BackupPlatform.Contracts;
using BackupPlatform.Contracts.Volume.V2;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.VolumeService;

/// <summary>
/// Serves the volume-service contract on the volume-service queue: reservations, device lookup and
/// connections. Every request is safe to repeat: each moves a volume to a state, not by a step.
/// </summary>
public sealed class VolumeContractConsumer(VolumeDbContext db, VolumeReservations reservations, VolumeFiles files, VolumeCreator creator) :
    IConsumer<CreateVolume>,
    IConsumer<ReserveVolume>,
    IConsumer<GetVolume>,
    IConsumer<GetBackupDevice>,
    IConsumer<InitializeConnection>,
    IConsumer<TerminateConnection>,
    IConsumer<ReleaseVolume>,
    IConsumer<SetVolumeMetadata>
{
    public async Task Consume(ConsumeContext<CreateVolume> context)
    {
        var request = context.Message;
        EnsureVersion(request.TargetVersion);
        var volume = await creator.CreateAsync(request.ProjectId, request.UserId, request.SizeGb, request.Name, request.Description, null, request.AvailabilityZone, context.CancellationToken);
        await context.RespondAsync(Details(volume));
    }

    public async Task Consume(ConsumeContext<ReserveVolume> context)
    {
        var request = context.Message;
        EnsureVersion(request.TargetVersion);
        var (volume, refusal) = await reservations.ReserveAsync(request.VolumeId, request.ProjectId, request.Purpose, request.Force, request.MinimumSizeGb, context.CancellationToken);
        if (volume is null || refusal is not null)
        {
            await context.RespondAsync(new VolumeRequestRefused { VolumeId = request.VolumeId, Reason = refusal!, NotFound = volume is null });
            return;
        }

        await context.RespondAsync(new VolumeReserved
        {
            VolumeId = volume.Id,
            PreviousStatus = volume.PreviousStatus ?? VolumeStatus.Available,
            Status = volume.Status,
            SizeGb = volume.Size,
            AvailabilityZone = volume.AvailabilityZone,
            Host = volume.Host,
        });
    }

    public async Task Consume(ConsumeContext<GetVolume> context)
    {
        EnsureVersion(context.Message.TargetVersion);
        var volume = await FindAsync(context.Message.VolumeId, context.Message.ProjectId, context.CancellationToken);
        if (volume is null)
        {
            await RespondNotFoundAsync(context, context.Message.VolumeId);
            return;
        }

        await context.RespondAsync(Details(volume));
    }

    public async Task Consume(ConsumeContext<GetBackupDevice> context)
    {
        EnsureVersion(context.Message.TargetVersion);
        var volume = await FindAsync(context.Message.VolumeId, null, context.CancellationToken);
        if (volume is null)
        {
            await RespondNotFoundAsync(context, context.Message.VolumeId);
            return;
        }

        // A file volume is read in place; temporary snapshots for in-use volumes come with the force workflow.
        await context.RespondAsync(new BackupDevice { DeviceVolumeId = volume.Id, IsTemporary = false });
    }

    public async Task Consume(ConsumeContext<InitializeConnection> context)
    {
        EnsureVersion(context.Message.TargetVersion);
        var volume = await FindAsync(context.Message.VolumeId, null, context.CancellationToken);
        if (volume is null)
        {
            await RespondNotFoundAsync(context, context.Message.VolumeId);
            return;
        }

        await context.RespondAsync(new VolumeConnection
        {
            VolumeId = volume.Id,
            DriverVolumeType = "file",
            Path = files.PathOf(volume.Id),
            SizeBytes = volume.Size * VolumeFiles.GiB,
        });
    }

    public async Task Consume(ConsumeContext<TerminateConnection> context)
    {
        EnsureVersion(context.Message.TargetVersion);
        var volume = await FindAsync(context.Message.VolumeId, null, context.CancellationToken);
        if (volume is null)
        {
            await RespondNotFoundAsync(context, context.Message.VolumeId);
            return;
        }

        await context.RespondAsync(new VolumeRequestDone { VolumeId = volume.Id, Status = volume.Status });
    }

    public async Task Consume(ConsumeContext<ReleaseVolume> context)
    {
        EnsureVersion(context.Message.TargetVersion);
        var volume = await reservations.ReleaseAsync(context.Message.VolumeId, context.Message.Status, context.CancellationToken);
        if (volume is null)
        {
            await RespondNotFoundAsync(context, context.Message.VolumeId);
            return;
        }

        await context.RespondAsync(new VolumeRequestDone { VolumeId = volume.Id, Status = volume.Status });
    }

    public async Task Consume(ConsumeContext<SetVolumeMetadata> context)
    {
        EnsureVersion(context.Message.TargetVersion);
        var volume = await db.Volumes.SingleOrDefaultAsync(v => v.Id == context.Message.VolumeId && !v.Deleted, context.CancellationToken);
        if (volume is null)
        {
            await RespondNotFoundAsync(context, context.Message.VolumeId);
            return;
        }

        var metadata = volume.Metadata is null ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(volume.Metadata) ?? [];
        foreach (var (key, value) in context.Message.Metadata)
        {
            metadata[key] = value;
        }

        volume.Metadata = JsonSerializer.Serialize(metadata);
        volume.UpdatedAt = DateTime.UtcNow;
        await db.SaveChangesAsync(context.CancellationToken);
        await context.RespondAsync(new VolumeRequestDone { VolumeId = volume.Id, Status = volume.Status });
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

    private static Task RespondNotFoundAsync(ConsumeContext context, Guid volumeId) =>
        context.RespondAsync(new VolumeRequestRefused { VolumeId = volumeId, Reason = $"Volume {volumeId} could not be found.", NotFound = true });
}
