namespace BackupPlatform.Scheduler;

/// <summary>The all-in-one runs its only worker in the scheduler's own process: there is never another host's queue to drain.</summary>
public sealed class InMemoryHostQueueDrain : IHostQueueDrain
{
    public Task<IReadOnlyList<Guid>> DrainAsync(string host, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<Guid>>([]);
}
