using System.Collections.Concurrent;

namespace BackupPlatform.Worker;

/// <summary>
/// The operations running on this host, one per backup. A command of the operation already running on its
/// backup is a redelivery and is dropped; a command of another operation (or of none: a 2.0 sender) waits
/// for the running one to end and then runs, its workflow checking the row as always. <see cref="Active"/>
/// feeds the heartbeat's load figure.
/// </summary>
public sealed class OperationSlots
{
    private readonly ConcurrentDictionary<Guid, Slot> _running = new();

    public enum Entry
    {
        Entered,
        Redelivery,
    }

    public int Active => _running.Count;

    /// <summary>Takes the backup's slot for <paramref name="operationId"/>, waiting at most <paramref name="wait"/> for another operation to leave it.</summary>
    public async Task<Entry> EnterAsync(Guid backupId, Guid? operationId, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            var slot = new Slot(operationId);
            var running = _running.GetOrAdd(backupId, slot);
            if (ReferenceEquals(running, slot))
            {
                return Entry.Entered;
            }

            if (operationId is not null && running.OperationId == operationId)
            {
                return Entry.Redelivery;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Backup {backupId} is still busy with operation {running.OperationId} after {wait}: operation {operationId} is retried later.");
            }

            try
            {
                await running.Done.Task.WaitAsync(left, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Checked again at the top of the loop, with the slot as it is now.
            }
        }
    }

    /// <summary>Takes the backup's slot if free (the start-up cleanup's own work).</summary>
    public bool TryEnter(Guid backupId) => _running.TryAdd(backupId, new Slot(null));

    public void Leave(Guid backupId)
    {
        if (_running.TryRemove(backupId, out var slot))
        {
            slot.Done.TrySetResult();
        }
    }

    private sealed class Slot(Guid? operationId)
    {
        public Guid? OperationId { get; } = operationId;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
