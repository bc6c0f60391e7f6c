using BackupPlatform.Storage.Devices;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// Follows a device's allocated extents as a backup reads on, so that a piece with no data is marked as
/// zero chunks without being read: a 1 TiB volume holding 20 GiB then costs about 20 GiB of reading,
/// not 1 TiB (the mostly-empty volume is Cinder's most common complaint). Offsets only grow.
/// </summary>
internal sealed class DeviceHoles(IVolumeDevice device, CancellationToken cancellationToken) : IAsyncDisposable
{
    private IAsyncEnumerator<DeviceExtent>? _extents;
    private DeviceExtent? _current;
    private bool _done;

    /// <summary>True when the device holds no data in [offset, offset + length): that stretch reads as zeros.</summary>
    public async ValueTask<bool> IsHoleAsync(long offset, long length)
    {
        _extents ??= device.AllocatedExtentsAsync(offset, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (!_done && (_current is null || _current.Value.End <= offset))
        {
            if (await _extents.MoveNextAsync())
            {
                _current = _extents.Current;
            }
            else
            {
                _done = true;
                _current = null;
            }
        }

        return _current is not { } extent || extent.Offset >= offset + length;
    }

    public ValueTask DisposeAsync() => _extents?.DisposeAsync() ?? ValueTask.CompletedTask;
}
