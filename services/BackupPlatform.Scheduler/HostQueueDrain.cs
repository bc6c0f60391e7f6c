namespace BackupPlatform.Scheduler;

/// <summary>Takes every waiting message out of a host's own queue (the host is gone, or draining) and hands it back to the scheduler queue.</summary>
public interface IHostQueueDrain
{
    /// <summary>Returns the backup ids of the commands moved.</summary>
    Task<IReadOnlyList<Guid>> DrainAsync(string host, CancellationToken cancellationToken);
}
