using System.Collections.Concurrent;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// Buffers of one exact size, kept for reuse. ArrayPool rounds up to a power of two, which turns a
/// 16 MiB pack plus one blob into 32 MiB: with a few packs in flight that alone broke the RSS budget.
/// </summary>
internal sealed class BufferPool(int size, int keep)
{
    private readonly ConcurrentBag<byte[]> _free = [];

    public int Size => size;

    public byte[] Rent() => _free.TryTake(out var buffer) ? buffer : GC.AllocateUninitializedArray<byte>(size);

    public void Return(byte[] buffer)
    {
        if (buffer.Length == size && _free.Count < keep)
        {
            _free.Add(buffer);
        }
    }
}
