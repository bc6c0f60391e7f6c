namespace BackupPlatform.Data;

/// <summary>What a project consumes of one resource: one row per project and resource, the row every reservation locks.</summary>
public sealed class QuotaUsage
{
    public required string ProjectId { get; set; }

    public required string Resource { get; set; }

    public long InUse { get; set; }

    public DateTime UpdatedAt { get; set; }
}
