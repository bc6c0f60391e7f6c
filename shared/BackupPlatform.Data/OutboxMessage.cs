namespace BackupPlatform.Data;

/// <summary>
/// A message written in the same transaction as the row it is about, and sent to the bus afterwards
/// by the outbox relay; so a request the API accepted is never lost while the broker is down.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }

    /// <summary>Monotonic order of sending.</summary>
    public long Sequence { get; set; }

    /// <summary>The queue to send to ("backup-scheduler"), or null to publish.</summary>
    public string? Destination { get; set; }

    /// <summary>The contract's full type name, e.g. BackupPlatform.Contracts.Backup.V2.CreateBackup.</summary>
    public required string MessageType { get; set; }

    public required string Body { get; set; }

    public Guid? CorrelationId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? SentAt { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    /// <summary>
    /// The W3C traceparent of the request that wrote the message, so that the relay sends it in the
    /// same trace: one trace per backup from the HTTP request to the store.
    /// </summary>
    public string? TraceParent { get; set; }
}
