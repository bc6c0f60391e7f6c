using System.Collections.Concurrent;

namespace BackupPlatform.Worker;

/// <summary>
/// The backups and restores running on this host: a command for a backup already running here is
/// a redelivery and is dropped, and <see cref="Active"/> feeds the heartbeat's load figure.
/// </summary>
public sealed class OperationSlots
{
    private readonly ConcurrentDictionary<Guid, byte> _running = new();

    public int Active => _running.Count;

    public bool TryEnter(Guid backupId) => _running.TryAdd(backupId, 0);

    public void Leave(Guid backupId) => _running.TryRemove(backupId, out _);
}
