using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.VolumeService;

/// <summary>Creates a volume row and its sparse file; for the HTTP API and for a restore to a new volume alike.</summary>
public sealed class VolumeCreator(VolumeDbContext db, VolumeFiles files, VolumeServiceOptions options)
{
    /// <exception cref="VolumeQuotaExceededException">The project's volumes or gigabytes quota would be exceeded.</exception>
    public async Task<Volume> CreateAsync(string projectId, string userId, int sizeGb, string? name, string? description, string? metadata, string? availabilityZone, CancellationToken cancellationToken)
    {
        await CheckQuotaAsync(projectId, sizeGb, cancellationToken);
        var volume = new Volume
        {
            Id = Guid.NewGuid(),
            ProjectId = projectId,
            UserId = userId,
            Name = name,
            Description = description,
            Status = VolumeStatus.Creating,
            Size = sizeGb,
            AvailabilityZone = availabilityZone ?? options.AvailabilityZone,
            Host = options.Host,
            Metadata = metadata,
            CreatedAt = DateTime.UtcNow,
        };
        db.Volumes.Add(volume);
        await db.SaveChangesAsync(cancellationToken);

        // A sparse file appears at once, so the volume is usable before the answer goes out.
        try
        {
            files.Create(volume.Id, sizeGb);
            volume.Status = VolumeStatus.Available;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            // Larger than the file system holds, or the disk refused: Cinder's outcome is a volume in error, never one left creating.
            volume.Status = VolumeStatus.Error;
        }

        volume.UpdatedAt = DateTime.UtcNow;
        await db.SaveChangesAsync(CancellationToken.None);
        return volume;
    }

    /// <summary>
    /// Cinder's volumes and gigabytes quotas (quota_volumes, quota_gigabytes), counted from the rows. Two creates
    /// at once may both pass; the reference service accepts that small overshoot rather than serialise creates.
    /// </summary>
    private async Task CheckQuotaAsync(string projectId, int sizeGb, CancellationToken cancellationToken)
    {
        var held = db.Volumes.Where(v => v.ProjectId == projectId && !v.Deleted && v.TemporaryForBackupId == null);
        if (options.QuotaVolumes >= 0)
        {
            var count = await held.CountAsync(cancellationToken);
            if (count + 1 > options.QuotaVolumes)
            {
                throw new VolumeQuotaExceededException($"VolumeLimitExceeded: Maximum number of volumes allowed ({options.QuotaVolumes}) exceeded for quota 'volumes'.");
            }
        }

        if (options.QuotaGigabytes >= 0)
        {
            var used = await held.SumAsync(v => (long)v.Size, cancellationToken);
            if (used + sizeGb > options.QuotaGigabytes)
            {
                throw new VolumeQuotaExceededException(
                    $"VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested {sizeGb}G, quota is {options.QuotaGigabytes}G and {used}G has been consumed.");
            }
        }
    }
}

/// <summary>A volume create over the project's quota: 413 on the API, a refusal on the contract.</summary>
public sealed class VolumeQuotaExceededException(string message) : Exception(message);
