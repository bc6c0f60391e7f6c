using System.Collections.Concurrent;

namespace BackupPlatform.VolumeService;

/// <summary>
/// The HTTP exports in force: a volume's data path answers a host only between its InitializeConnection
/// and its TerminateConnection (Cinder's export, removed by terminate_connection). Kept in memory: a
/// restart of the volume service ends every export, and a worker whose backup or restore was reading
/// through one fails it with the service's refusal.
/// </summary>
public sealed class VolumeExports
{
    private readonly ConcurrentDictionary<(Guid VolumeId, string Host), DateTime> _exports = new();

    public void Add(Guid volumeId, string host) => _exports[(volumeId, host)] = DateTime.UtcNow;

    public void Remove(Guid volumeId, string host) => _exports.TryRemove((volumeId, host), out _);

    /// <summary>Ends every host's export of a volume that is going away.</summary>
    public void RemoveVolume(Guid volumeId)
    {
        foreach (var key in _exports.Keys.Where(k => k.VolumeId == volumeId))
        {
            _exports.TryRemove(key, out _);
        }
    }

    public bool IsExported(Guid volumeId, string host) => _exports.ContainsKey((volumeId, host));
}
