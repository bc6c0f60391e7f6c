namespace BackupPlatform.Hosting.Admin;

/// <summary>Which journal rows to list; every filter is optional and they combine.</summary>
public sealed record JournalQuery
{
    public Guid? BackupId { get; init; }

    /// <summary>Part of the message type, e.g. "CreateBackup".</summary>
    public string? MessageType { get; init; }

    /// <summary>consumed, skipped, faulted, error_queue, sent, published.</summary>
    public string? Outcome { get; init; }

    /// <summary>send, publish, consume, receive.</summary>
    public string? Kind { get; init; }

    public DateTime? Since { get; init; }

    public DateTime? Until { get; init; }

    public int Limit { get; init; } = 100;
}
