using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// Finds the stretches of a sparse device file that hold no data (lseek SEEK_DATA), so that a backup
/// marks them as zero chunks without reading them. A 1 TiB volume holding 20 GiB then costs about
/// 20 GiB of reading, not 1 TiB: the mostly-empty volume is Cinder's most common complaint.
/// Where the call is missing or refused (not Linux, a block device, a file system without holes),
/// the whole device counts as data and every byte is read, as before.
/// </summary>
internal sealed partial class DeviceHoles(SafeFileHandle device)
{
    private const int SeekData = 3;
    private const int NoDataAfterOffset = 6; // ENXIO

    private bool _unsupported = !OperatingSystem.IsLinux();
    private long _nextData = -1;

    /// <summary>True when the device holds no data in [offset, offset + length): that stretch reads as zeros.</summary>
    public bool IsHole(long offset, long length)
    {
        if (_unsupported)
        {
            return false;
        }

        // Offsets only grow: the next data offset found earlier still answers until it is passed.
        if (_nextData < offset)
        {
            _nextData = NextData(offset);
        }

        return _nextData >= offset + length;
    }

    private long NextData(long offset)
    {
        var added = false;
        try
        {
            device.DangerousAddRef(ref added);
            var next = lseek((int)device.DangerousGetHandle(), offset, SeekData);
            if (next >= 0)
            {
                return next;
            }

            if (Marshal.GetLastPInvokeError() == NoDataAfterOffset)
            {
                return long.MaxValue;
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
        }
        finally
        {
            if (added)
            {
                device.DangerousRelease();
            }
        }

        _unsupported = true;
        return offset;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial long lseek(int fd, long offset, int whence);
}
