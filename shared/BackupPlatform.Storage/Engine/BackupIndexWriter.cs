using System.Security.Cryptography;
using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// Writes a backup's index as it goes, one segment object per <c>entriesPerSegment</c> entries, so that
/// memory holds one segment whatever the volume size (a 1 TiB volume of 64 KiB chunks is 256 segments of 4 MiB).
/// </summary>
internal sealed class BackupIndexWriter(IObjectStore store, string container, Guid backupId, int entriesPerSegment)
{
    private readonly byte[] _buffer = new byte[IndexFormat.HeaderLength + (entriesPerSegment * IndexFormat.EntryLength)];
    private readonly List<IndexSegment> _segments = [];
    private int _count;

    public IReadOnlyList<IndexSegment> Segments => _segments;

    public long BytesWritten { get; private set; }

    public async ValueTask AddAsync(IndexEntry entry, CancellationToken cancellationToken)
    {
        IndexFormat.WriteEntry(_buffer.AsSpan(IndexFormat.HeaderLength + (_count * IndexFormat.EntryLength)), entry);
        if (++_count == entriesPerSegment)
        {
            await FlushAsync(cancellationToken);
        }
    }

    /// <summary>Writes the open segment; an empty volume still gets one (empty) segment, so every index has at least one.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_count > 0 || _segments.Count == 0)
        {
            await FlushAsync(cancellationToken);
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        IndexFormat.WriteHeader(_buffer, _count);
        var bytes = _buffer.AsMemory(0, IndexFormat.HeaderLength + (_count * IndexFormat.EntryLength));
        var name = StoreLayout.IndexSegment(backupId, _segments.Count);
        await store.PutAsync(container, name, bytes, cancellationToken);
        _segments.Add(new IndexSegment { Name = name, Entries = _count, Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes.Span)) });
        BytesWritten += bytes.Length;
        _count = 0;
    }
}
