namespace BackupPlatform.VolumeService;

/// <summary>A point-in-time copy of a volume (for the reference service: a sparse copy of its file).</summary>
public sealed class Snapshot
{
    public Guid Id { get; set; }

    public required string ProjectId { get; set; }

    public required string UserId { get; set; }

    public Guid VolumeId { get; set; }

    public string? Name { get; set; }

    public string? Description { get; set; }

    public required string Status { get; set; }

    public int Size { get; set; }

    public string? Metadata { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? UpdatedAt { get; set; }

    public DateTime? DeletedAt { get; set; }

    public bool Deleted { get; set; }
}
