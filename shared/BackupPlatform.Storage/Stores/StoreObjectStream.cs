namespace BackupPlatform.Storage.Stores;

/// <summary>
/// One stored object read front to back as a stream, through range reads: objects made by other
/// software (Cinder's are up to 2 GB each) are decompressed and checked without being held whole in memory.
/// Wrap it in a <see cref="BufferedStream"/>: decompressors read a few KiB at a time.
/// </summary>
public sealed class StoreObjectStream(IObjectStore store, string container, string name) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await store.ReadRangeAsync(container, name, _position, buffer, cancellationToken);
        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>For decompressors that only read synchronously (SharpZipLib's bzip2).</summary>
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
