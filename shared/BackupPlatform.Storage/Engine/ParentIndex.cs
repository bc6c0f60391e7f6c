using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// The parent backup's index, streamed in step with the volume an incremental backup reads: a chunk
/// whose hash equals the parent's chunk at the same offset is referenced where the parent stored it,
/// without a dedup table entry. This is what keeps an incremental of a huge volume small when the
/// dedup table (<see cref="ChunkCatalog"/>) could hold only part of the container.
/// </summary>
internal sealed class ParentIndex : IAsyncDisposable
{
    private readonly IAsyncEnumerator<IndexEntry> _entries;
    private bool _ended;

    /// <summary>Why the parent's index stopped being followed before its end (a damaged or missing segment), if it did.</summary>
    public string? Unreadable { get; private set; }

    private ParentIndex(IAsyncEnumerator<IndexEntry> entries) => _entries = entries;

    /// <summary>
    /// The parent's index, or null when there is none to follow: no parent, its manifest gone from this container,
    /// another chunk size, or chunks named in another dedup domain (another project or key, or before domains,
    /// e.g. a record imported from another project): none of its names can be this backup's.
    /// </summary>
    public static async Task<ParentIndex?> OpenAsync(IObjectStore store, EngineOptions options, string container, Guid? parentId, int chunkSize, BackupChunkNaming domain, string? encryptionKeyId, CancellationToken cancellationToken)
    {
        if (parentId is not { } parent)
        {
            return null;
        }

        BackupManifest manifest;
        try
        {
            manifest = await new BackupRestorer(store, options).ReadManifestAsync(container, parent, cancellationToken);
        }
        catch (InvalidDataException)
        {
            return null; // Deleted, or in another container or format: the dedup table alone decides.
        }

        return manifest.ChunkSize == chunkSize && manifest.Naming == domain && manifest.Encryption?.KeyId == encryptionKeyId
            ? new ParentIndex(BackupIndexReader.ReadAsync(store, container, manifest, cancellationToken).GetAsyncEnumerator(cancellationToken))
            : null;
    }

    /// <summary>The parent's entries for the next <paramref name="count"/> chunks; zero entries past the parent's end (a volume extended since).</summary>
    public async ValueTask<IndexEntry[]> NextAsync(int count)
    {
        var entries = new IndexEntry[count];
        for (var i = 0; i < count && !_ended; i++)
        {
            try
            {
                if (await _entries.MoveNextAsync())
                {
                    entries[i] = _entries.Current;
                    continue;
                }
            }
            catch (InvalidDataException e)
            {
                // The backup stays correct without the parent (the dedup table still applies); it only stores more.
                Unreadable = e.Message;
            }

            _ended = true;
        }

        return entries;
    }

    public ValueTask DisposeAsync() => _entries.DisposeAsync();
}
