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

    /// <summary>
    /// True from the moment the host was told to stop: it finishes what it began and takes nothing
    /// new, so the scheduler routes elsewhere. Absent (false) in heartbeats of older 2.x workers.
    /// </summary>
    public bool Draining { get; init; }

    public required DateTime SentAt { get; init; }
}
