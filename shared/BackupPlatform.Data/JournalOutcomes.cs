namespace BackupPlatform.Data;

/// <summary>How a journaled message ended at the point the row records.</summary>
public static class JournalOutcomes
{
    public const string Sent = "sent";
    public const string Published = "published";
    public const string Consumed = "consumed";

    /// <summary>Consumed, and the consumer found nothing to do (a redelivery or a replay of a finished step).</summary>
    public const string Skipped = "skipped";

    /// <summary>The consumer threw; the transport moved the message to the endpoint's error queue.</summary>
    public const string Faulted = "faulted";

    /// <summary>Moved to the error queue before any consumer ran (e.g. a body that does not deserialize).</summary>
    public const string ErrorQueue = "error_queue";
}
