using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// The store-side dedup table: which chunk lives where, read from the pack index objects when a backup
/// starts. Packs condemned by garbage collection are left out, so a backup never starts to depend on a
/// pack that may go. Read-only once loaded, so the pipeline's workers look chunks up without locks.
/// An entry costs about 80 bytes; the table stops at <c>capacity</c> entries (and stops reading pack
/// indexes), so a container of many terabytes costs a backup no more memory than a small one: chunks
/// left out are only stored again, and an incremental backup finds its parent's chunks through the
/// parent's index, read in step with the volume, not through this table.
/// </summary>
internal sealed class ChunkCatalog
{
    private readonly Dictionary<ChunkHash, ChunkLocation> _chunks;
    private readonly HashSet<Guid> _condemned;

    private ChunkCatalog(Dictionary<ChunkHash, ChunkLocation> chunks, HashSet<Guid> condemned, bool complete)
    {
        _chunks = chunks;
        _condemned = condemned;
        IsComplete = complete;
    }

    public int Count => _chunks.Count;

    /// <summary>False when the capacity was reached before every pack index was read.</summary>
    public bool IsComplete { get; }

    public bool TryGet(ChunkHash hash, out ChunkLocation location) => _chunks.TryGetValue(hash, out location);

    /// <summary>Whether garbage collection had condemned the pack when the table was loaded: such a pack must not be referenced.</summary>
    public bool IsCondemned(Guid pack) => _condemned.Contains(pack);

    /// <param name="packTag">The dedup domain's pack tag (<see cref="ChunkNaming.PackTag"/>): only that domain's pack
    /// indexes are read, since no other chunk can have the same name; so another project's data neither fills
    /// the table nor shows through what this backup stores.</param>
    public static async Task<ChunkCatalog> LoadAsync(IObjectStore store, string container, string packTag, int capacity, int parallelism, CancellationToken cancellationToken)
    {
        var condemned = new HashSet<Guid>();
        await foreach (var name in store.ListAsync(container, StoreLayout.CondemnedPrefix, cancellationToken))
        {
            if (StoreLayout.TryParsePackId(name, StoreLayout.CondemnedPrefix, out var marked))
            {
                condemned.Add(marked);
            }
        }

        // Pack indexes are read while they are listed, and both stop once the table is full: a backup's
        // start costs no more requests in a container of many terabytes than in one of a few gigabytes.
        var chunks = new Dictionary<ChunkHash, ChunkLocation>();
        var full = false;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await Parallel.ForEachAsync(
                store.ListAsync(container, StoreLayout.PackIndexPrefix + packTag, stop.Token),
                new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = stop.Token },
                async (name, ct) =>
                {
                    if (!StoreLayout.TryParsePackId(name, StoreLayout.PackIndexPrefix, out var pack) || condemned.Contains(pack))
                    {
                        return;
                    }

                    PackIndex index;
                    try
                    {
                        index = PackIndex.Decode(pack, await store.GetAsync(container, name, ct));
                    }
                    catch (ObjectNotFoundException)
                    {
                        return; // Collected between the listing and the read: its chunks are simply not known.
                    }

                    lock (chunks)
                    {
                        foreach (var (hash, offset, length) in index.Entries)
                        {
                            if (chunks.Count >= capacity)
                            {
                                full = true;
                                stop.Cancel();
                                return;
                            }

                            chunks.TryAdd(hash, new ChunkLocation(index.Pack, offset, length));
                        }
                    }
                });
        }
        catch (Exception) when (full && !cancellationToken.IsCancellationRequested)
        {
            // Full: the rest of the container is left unread on purpose, and whatever the reads cut short
            // threw (a store may wrap the cancellation) no longer matters.
        }

        return new ChunkCatalog(chunks, condemned, !full);
    }
}
