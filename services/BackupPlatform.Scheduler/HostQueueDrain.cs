namespace BackupPlatform.Scheduler;

/// <summary>Takes every message out of a dead host's own queue and hands it back to the scheduler queue.</summary>
public interface IHostQueueDrain
{
    /// <summary>Returns the backup ids of the commands moved.</summary>
    Task<IReadOnlyList<Guid>> DrainAsync(string host, CancellationToken cancellationToken);
}
