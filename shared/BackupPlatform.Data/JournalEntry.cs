namespace BackupPlatform.Data;

/// <summary>
/// One thing that happened to a message on the bus: sent, published, consumed (or skipped as a
/// no-op, or faulted), or refused before any consumer saw it. Operators follow a backup through
/// these rows and replay a message from them; every service writes to the one table.
/// </summary>
public sealed class JournalEntry
{
    /// <summary>Order of recording; the key, as it autoincrements on SQLite as on PostgreSQL.</summary>
    public long Sequence { get; set; }

    public Guid? MessageId { get; set; }

    /// <summary>send, publish, consume or receive (see JournalKinds).</summary>
    public required string Kind { get; set; }

    /// <summary>sent, published, consumed, skipped, faulted, error_queue (see JournalOutcomes).</summary>
    public required string Outcome { get; set; }

    public Guid? CorrelationId { get; set; }

    public Guid? ConversationId { get; set; }

    public Guid? BackupId { get; set; }

    public Guid? VolumeId { get; set; }

    /// <summary>The contract's full type name, e.g. BackupPlatform.Contracts.Backup.V2.CreateBackup.</summary>
    public string? MessageType { get; set; }

    /// <summary>The RPC target version the message carries ("2.0"), or the major its namespace names.</summary>
    public string? ContractVersion { get; set; }

    public string? SourceAddress { get; set; }

    /// <summary>Where it went: the queue or exchange sent to, or the endpoint that consumed it.</summary>
    public string? DestinationAddress { get; set; }

    /// <summary>The service that recorded the row (api, scheduler, worker.host, admin).</summary>
    public string? Service { get; set; }

    /// <summary>The message headers as a JSON object.</summary>
    public string? Headers { get; set; }

    /// <summary>The message as JSON (the contract's properties), or the raw body when it did not deserialize.</summary>
    public string? Body { get; set; }

    public string? Exception { get; set; }

    /// <summary>Why a consume was a no-op, or which error queue a message went to.</summary>
    public string? Note { get; set; }

    /// <summary>The message this one replays, from the BackupPlatform-Replay-Of header.</summary>
    public Guid? ReplayOf { get; set; }

    public DateTime RecordedAt { get; set; }

    public double? DurationMs { get; set; }
}
