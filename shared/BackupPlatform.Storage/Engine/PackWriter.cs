using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// Gathers chunk blobs into packs of about <c>packSize</c> bytes and uploads each full pack, then its
/// index object, while the next fills. At most <c>maxUploads</c> packs are uploading at once, so memory
/// is bounded by (maxUploads + 1) packs. Only the backup's ordered sink calls it: it is not thread-safe.
/// </summary>
internal sealed class PackWriter(IObjectStore store, string container, ChunkNaming naming, int packSize, int maxChunk, int maxUploads) : IAsyncDisposable
{
    private readonly BufferPool _pool = new(packSize + ChunkCodec.MaxEncodedLength(maxChunk) + ChunkCipher.Overhead, maxUploads + 1);
    private readonly Queue<Task> _uploads = new();
    private readonly List<(ChunkHash Hash, long Offset, int Length)> _entries = [];
    private byte[]? _buffer;
    private int _length;
    private Guid _pack;
    private long _bytesUploaded;
    private int _packsWritten;

    public long BytesUploaded => Interlocked.Read(ref _bytesUploaded);

    public int PacksWritten => _packsWritten;

    /// <summary>Appends a blob to the open pack and returns where it will live; uploads the pack when it is full.</summary>
    public async ValueTask<ChunkLocation> AppendAsync(ChunkHash hash, ReadOnlyMemory<byte> blob, CancellationToken cancellationToken)
    {
        if (_buffer is null)
        {
            _buffer = _pool.Rent();
            _pack = naming.NewPackId(); // Tagged with the domain: the backups of this domain list its pack indexes only.
            _length = 0;
        }

        blob.Span.CopyTo(_buffer.AsSpan(_length));
        var location = new ChunkLocation(_pack, _length, blob.Length);
        _entries.Add((hash, _length, blob.Length));
        _length += blob.Length;
        if (_length >= packSize)
        {
            await SealAsync(cancellationToken);
        }

        return location;
    }

    /// <summary>Uploads the last, partly filled pack and waits for every upload: after this, every appended chunk is stored.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_buffer is not null && _length > 0)
        {
            await SealAsync(cancellationToken);
        }

        while (_uploads.Count > 0)
        {
            await _uploads.Dequeue();
        }
    }

    public async ValueTask DisposeAsync()
    {
        while (_uploads.Count > 0)
        {
            await _uploads.Dequeue().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_buffer is not null)
        {
            _pool.Return(_buffer);
            _buffer = null;
        }
    }

    private async Task SealAsync(CancellationToken cancellationToken)
    {
        while (_uploads.Count >= maxUploads)
        {
            await _uploads.Dequeue();
        }

        var buffer = _buffer!;
        var length = _length;
        var index = new PackIndex(_pack, DateTime.UtcNow, [.. _entries]);
        var pack = _pack;
        _buffer = null;
        _entries.Clear();
        _packsWritten++;
        _uploads.Enqueue(Task.Run(
            async () =>
            {
                try
                {
                    // The pack before its index: an index never names a pack that is not there.
                    await store.PutAsync(container, StoreLayout.Pack(pack), buffer.AsMemory(0, length), cancellationToken);
                    var indexBytes = index.Encode();
                    await store.PutAsync(container, StoreLayout.PackIndex(pack), indexBytes, cancellationToken);
                    Interlocked.Add(ref _bytesUploaded, length + indexBytes.Length);
                }
                finally
                {
                    _pool.Return(buffer);
                }
            },
            cancellationToken));
    }
}
