namespace BackupPlatform.VolumeService;

/// <summary>Creates a volume row and its sparse file; for the HTTP API and for a restore to a new volume alike.</summary>
public sealed class VolumeCreator(VolumeDbContext db, VolumeFiles files, VolumeServiceOptions options)
{
    public async Task<Volume> CreateAsync(string projectId, string userId, int sizeGb, string? name, string? description, string? metadata, string? availabilityZone, CancellationToken cancellationToken)
    {
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
        catch (IOException)
        {
            volume.Status = VolumeStatus.Error;
        }

        volume.UpdatedAt = DateTime.UtcNow;
        await db.SaveChangesAsync(CancellationToken.None);
        return volume;
    }
}
