using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BackupPlatform.Storage.Devices;

/// <summary>
/// A volume file (or block device) the worker opens itself: the connector of a worker that shares the
/// volume service's file system, and what the volume service's HTTP data path serves from. Holes are
/// found with lseek SEEK_DATA/SEEK_HOLE, so a 1 TiB volume holding 20 GiB costs about 20 GiB of
/// reading; where the call is missing or refused (not Linux, a file system without holes) the whole
/// device is one extent and every byte is read.
/// </summary>
public sealed partial class FileVolumeDevice : IVolumeDevice, IDisposable
{
    private const int SeekData = 3;
    private const int SeekHole = 4;
    private const int NoDataAfterOffset = 6; // ENXIO

    private static readonly byte[] Zeros = new byte[1024 * 1024];

    private readonly SafeFileHandle _handle;
    private readonly DeviceWriteback? _writeback;
    private bool _seekUnsupported = !OperatingSystem.IsLinux();

    private FileVolumeDevice(SafeFileHandle handle, long size, bool writable)
    {
        _handle = handle;
        Size = size;
        _writeback = writable ? new DeviceWriteback(handle) : null;
    }

    public const string ConnectorName = "file";

    public string Connector => ConnectorName;

    public long Size { get; }

    public int RequestsInFlight => 1;

    /// <param name="size">The volume's size, by default the file's length: a file shorter than it reads as zeros to its end.</param>
    public static FileVolumeDevice OpenRead(string path, long? size = null) => Open(path, FileAccess.Read, size, writable: false);

    /// <summary>Opens for a restore: writes in volume order, with the kernel asked to write each finished stretch back.</summary>
    public static FileVolumeDevice OpenWrite(string path, long? size = null) => Open(path, FileAccess.ReadWrite, size, writable: true);

    private static FileVolumeDevice Open(string path, FileAccess access, long? size, bool writable)
    {
        var handle = File.OpenHandle(path, FileMode.Open, access, FileShare.ReadWrite, FileOptions.Asynchronous);
        try
        {
            return new FileVolumeDevice(handle, size ?? RandomAccess.GetLength(handle), writable);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, long offset, CancellationToken cancellationToken)
    {
        buffer = buffer[..(int)Math.Clamp(Size - offset, 0, buffer.Length)];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await RandomAccess.ReadAsync(_handle, buffer[filled..], offset + filled, cancellationToken);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }

    public IAsyncEnumerable<DeviceExtent> AllocatedExtentsAsync(long offset, CancellationToken cancellationToken) =>
        AllocatedExtents(offset).ToAsyncEnumerable();

    /// <summary>The allocated stretches from <paramref name="offset"/> on (the first one starts at it when it lies in data).</summary>
    public IEnumerable<DeviceExtent> AllocatedExtents(long offset)
    {
        var position = Math.Max(0, offset);
        while (position < Size)
        {
            var data = Seek(position, SeekData);
            if (data >= Size)
            {
                yield break;
            }

            var hole = Math.Min(Size, Seek(data, SeekHole));
            if (hole <= data)
            {
                hole = Size;
            }

            yield return new DeviceExtent(data, hole - data);
            position = hole;
        }
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, long offset, CancellationToken cancellationToken)
    {
        await RandomAccess.WriteAsync(_handle, data, offset, cancellationToken);
        _writeback?.Written(offset + data.Length);
    }

    public async ValueTask WriteZerosAsync(long offset, long length, CancellationToken cancellationToken)
    {
        for (long written = 0; written < length; written += Zeros.Length)
        {
            await RandomAccess.WriteAsync(_handle, Zeros.AsMemory(0, (int)Math.Min(Zeros.Length, length - written)), offset + written, cancellationToken);
        }
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        RandomAccess.FlushToDisk(_handle);
        return ValueTask.CompletedTask;
    }

    public void Dispose() => _handle.Dispose();

    public ValueTask DisposeAsync()
    {
        _handle.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>lseek with SEEK_DATA or SEEK_HOLE: the next such offset, <see cref="long.MaxValue"/> for no data after it; <paramref name="offset"/> itself when unsupported.</summary>
    private long Seek(long offset, int whence)
    {
        if (_seekUnsupported)
        {
            return whence == SeekData ? offset : Size;
        }

        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            var next = lseek((int)_handle.DangerousGetHandle(), offset, whence);
            if (next >= 0)
            {
                return next;
            }

            if (Marshal.GetLastPInvokeError() == NoDataAfterOffset)
            {
                return whence == SeekData ? long.MaxValue : Size;
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }

        _seekUnsupported = true;
        return whence == SeekData ? offset : Size;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial long lseek(int fd, long offset, int whence);
}
