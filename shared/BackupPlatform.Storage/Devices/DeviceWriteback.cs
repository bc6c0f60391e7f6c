using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BackupPlatform.Storage.Devices;

/// <summary>
/// Starts the disk writing restored data while the restore goes on. A host with a lot of memory lets
/// gigabytes of a restore sit dirty in the page cache until the final flush, so the restore would
/// first decode at memory speed and then wait for the disk to write everything; asking the kernel
/// (sync_file_range, SYNC_FILE_RANGE_WRITE, which does not wait) to write each finished stretch makes
/// the two overlap. Where the call is missing (not Linux, a device that refuses it) this does nothing
/// and the final flush alone makes the restore durable.
/// </summary>
internal sealed partial class DeviceWriteback(SafeFileHandle device, long stretch = DeviceWriteback.DefaultStretch)
{
    public const long DefaultStretch = 32L * 1024 * 1024;

    private const uint SyncFileRangeWrite = 2;

    private bool _unsupported = !OperatingSystem.IsLinux();
    private long _start;
    private long _end;

    /// <summary>Records bytes written up to <paramref name="end"/>; writes in volume order are expected.</summary>
    public void Written(long end)
    {
        _end = Math.Max(_end, end);
        if (_end - _start >= stretch)
        {
            Kick();
        }
    }

    private void Kick()
    {
        if (!_unsupported)
        {
            var added = false;
            try
            {
                device.DangerousAddRef(ref added);
                if (sync_file_range((int)device.DangerousGetHandle(), _start, _end - _start, SyncFileRangeWrite) != 0)
                {
                    _unsupported = true;
                }
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                _unsupported = true;
            }
            finally
            {
                if (added)
                {
                    device.DangerousRelease();
                }
            }
        }

        _start = _end;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sync_file_range(int fd, long offset, long nbytes, uint flags);
}
