using System.Collections.Concurrent;
using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// The store-side dedup table: which chunk lives where, read from the pack index objects when a backup
/// starts. Packs condemned by garbage collection are left out, so a backup never starts to depend on a
/// pack that may go. Read-only once loaded, so the pipeline's workers look chunks up without locks.
/// It costs about 80 bytes per distinct chunk in the container (2.5 MiB for a 2 GiB volume of 64 KiB
/// chunks); the backup's own index, which grows with the volume, is streamed instead.
/// </summary>
internal sealed class ChunkCatalog
{
    private readonly Dictionary<ChunkHash, ChunkLocation> _chunks;

    private ChunkCatalog(Dictionary<ChunkHash, ChunkLocation> chunks) => _chunks = chunks;

    public int Count => _chunks.Count;

    public bool TryGet(ChunkHash hash, out ChunkLocation location) => _chunks.TryGetValue(hash, out location);

    public static async Task<ChunkCatalog> LoadAsync(IObjectStore store, string container, int parallelism, CancellationToken cancellationToken)
    {
        var condemned = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var name in store.ListAsync(container, StoreLayout.CondemnedPrefix, cancellationToken))
        {
            condemned.Add(name[(name.LastIndexOf('/') + 1)..]);
        }

        var names = new List<string>();
        await foreach (var name in store.ListAsync(container, StoreLayout.PackIndexPrefix, cancellationToken))
        {
            if (!condemned.Contains(name[(name.LastIndexOf('/') + 1)..]))
            {
                names.Add(name);
            }
        }

        var indexes = new ConcurrentBag<PackIndex>();
        await Parallel.ForEachAsync(
            names,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (name, ct) =>
            {
                try
                {
                    var pack = StoreLayout.ParsePackId(name);
                    indexes.Add(PackIndex.Decode(pack, await store.GetAsync(container, name, ct)));
                }
                catch (ObjectNotFoundException)
                {
                    // Collected between the listing and the read: its chunks are simply not known.
                }
            });

        var chunks = new Dictionary<ChunkHash, ChunkLocation>(indexes.Sum(i => i.Entries.Count));
        foreach (var index in indexes)
        {
            foreach (var (hash, offset, length) in index.Entries)
            {
                chunks.TryAdd(hash, new ChunkLocation(index.Pack, offset, length));
            }
        }

        return new ChunkCatalog(chunks);
    }
}
