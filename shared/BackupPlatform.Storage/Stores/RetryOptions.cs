namespace BackupPlatform.Storage.Stores;

/// <summary>How a store's failed requests are retried (Cinder's backup_swift_retry_attempts / backup_swift_retry_backoff).</summary>
public sealed class RetryOptions
{
    /// <summary>Retries after the first attempt; 0 turns retrying off.</summary>
    public int Attempts { get; set; } = 3;

    /// <summary>The first delay; each further one doubles, with jitter.</summary>
    public TimeSpan Backoff { get; set; } = TimeSpan.FromSeconds(2);
}
