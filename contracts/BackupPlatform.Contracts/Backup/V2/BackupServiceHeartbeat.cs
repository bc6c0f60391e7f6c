namespace BackupPlatform.Contracts.Backup.V2;

/// <summary>Published by every worker host on start and then periodically; the scheduler's registry is built from it.</summary>
public sealed record BackupServiceHeartbeat
{
    public required string Host { get; init; }

    public required string AvailabilityZone { get; init; }

    public required string Store { get; init; }

    public required string Version { get; init; }

    public int ActiveOperations { get; init; }

    public int MaxOperations { get; init; }

    public required DateTime SentAt { get; init; }
}
