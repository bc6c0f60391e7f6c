namespace BackupPlatform.Hosting.Journal;

/// <summary>Configuration section "BackupPlatform:Journal".</summary>
public sealed class JournalOptions
{
    public const string Section = "BackupPlatform:Journal";

    /// <summary>Record every message sent, published and consumed in message_journal.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Rows older than this many days are deleted.</summary>
    public int RetentionDays { get; set; } = 14;

    /// <summary>How often the old rows are deleted.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Rows waiting to be written. When the database falls this far behind, new rows are dropped
    /// (and counted in the log) rather than slowing the bus down.
    /// </summary>
    public int Capacity { get; set; } = 10_000;

    /// <summary>Rows written per database round trip.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// Message types (full or short names, comma-separated) whose ordinary traffic is not recorded; their
    /// faults still are. By default the workers' heartbeats: about 17 000 rows a day per worker at the
    /// default interval, and never worth replaying. Empty records everything.
    /// </summary>
    public string SkipTypes { get; set; } = "BackupServiceHeartbeat";

    /// <summary>The name rows are recorded under; set from the service's bus participants when empty.</summary>
    public string? Service { get; set; }
}
