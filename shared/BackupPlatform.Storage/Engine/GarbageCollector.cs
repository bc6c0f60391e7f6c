using System.Text.Json;
using System.Text.Json.Serialization;
using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// Frees packs that no backup references, in two steps so that a running backup never loses a chunk
/// it chose to reference (docs/storage-format.md, "Garbage collection"):
/// <list type="number">
/// <item>Mark: every manifest's index is read; an unreferenced pack older than the grace period is
/// condemned (gc/condemned/{pack}, with the time). From then on new backups leave it out of their
/// dedup table.</item>
/// <item>Sweep: a condemned pack is deleted (index object, then pack, then marker) once it is still
/// unreferenced, condemned at least the grace period ago, and no live backup lock is older than its
/// condemnation: only a backup that began before that could have picked it. A condemned pack that is
/// referenced again is pardoned.</item>
/// </list>
/// Packs partly referenced are kept whole: backup indexes point into packs, so repacking would mean
/// rewriting indexes; their dead bytes are the price of never rewriting a stored object.
/// </summary>
public sealed class GarbageCollector(IObjectStore store, EngineOptions options)
{
    public async Task<GarbageCollection> CollectAsync(string container, TimeSpan grace, TimeSpan lockStaleAfter, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;

        var referenced = new HashSet<Guid>();
        var backups = 0;
        var restorer = new BackupRestorer(store, options);
        var manifests = new List<Guid>();
        await foreach (var name in store.ListAsync(container, StoreLayout.BackupPrefix, cancellationToken))
        {
            if (name.EndsWith("/metadata.json", StringComparison.Ordinal) && Guid.TryParse(name.Split('/')[1], out var backupId))
            {
                manifests.Add(backupId);
            }
        }

        foreach (var backupId in manifests)
        {
            BackupManifest manifest;
            try
            {
                manifest = await restorer.ReadManifestAsync(container, backupId, cancellationToken);
            }
            catch (InvalidDataException)
            {
                continue; // Deleted since the listing.
            }

            backups++;
            await foreach (var entry in BackupIndexReader.ReadAsync(store, container, manifest, cancellationToken))
            {
                if (!entry.IsZero)
                {
                    referenced.Add(entry.Location.Pack);
                }
            }
        }

        var condemned = new Dictionary<Guid, string>();
        await foreach (var name in store.ListAsync(container, StoreLayout.CondemnedPrefix, cancellationToken))
        {
            if (StoreLayout.TryParsePackId(name, StoreLayout.CondemnedPrefix, out var marked))
            {
                condemned[marked] = name;
            }
        }

        int newlyCondemned = 0, pardoned = 0, deleted = 0, blocked = 0, packs = 0;
        await foreach (var name in store.ListAsync(container, StoreLayout.PackPrefix, cancellationToken))
        {
            if (!StoreLayout.TryParsePackId(name, StoreLayout.PackPrefix, out var pack))
            {
                continue;
            }

            packs++;
            if (referenced.Contains(pack) || condemned.ContainsKey(pack))
            {
                continue;
            }

            // A young pack may belong to a backup still running (its index is written last): leave it to a later pass.
            var created = await ReadPackCreatedAsync(container, pack, cancellationToken);
            if (created is { } time && time > now - grace)
            {
                continue;
            }

            var marker = StoreLayout.Condemned(pack);
            await store.PutAsync(container, marker, JsonSerializer.SerializeToUtf8Bytes(new CondemnedPack(StoreLayout.PackId(pack), DateTime.UtcNow)), cancellationToken);
            condemned[pack] = marker;
            newlyCondemned++;
        }

        // Locks after the markers are written: a backup whose lock is not listed here started after them,
        // so its dedup table leaves the condemned packs out; one listed here may hold any of them.
        var liveLocks = new List<DateTime>();
        await foreach (var name in store.ListAsync(container, StoreLayout.LockPrefix, cancellationToken))
        {
            var started = await ReadTimeAsync<BackupLock>(container, name, l => l.StartedAt, cancellationToken);
            if (started is { } time && time > now - lockStaleAfter)
            {
                liveLocks.Add(time);
            }
        }

        foreach (var (pack, marker) in condemned)
        {
            if (referenced.Contains(pack))
            {
                await store.DeleteAsync(container, marker, cancellationToken);
                pardoned++;
                continue;
            }

            var at = await ReadTimeAsync<CondemnedPack>(container, marker, c => c.CondemnedAt, cancellationToken) ?? DateTime.UtcNow;
            if (at > DateTime.UtcNow - grace || liveLocks.Any(started => started <= at))
            {
                blocked++;
                continue;
            }

            // Index first: from here no backup can choose the pack, then the pack, then the marker that tracked it.
            await store.DeleteAsync(container, StoreLayout.PackIndex(pack), cancellationToken);
            await store.DeleteAsync(container, StoreLayout.Pack(pack), cancellationToken);
            await store.DeleteAsync(container, marker, cancellationToken);
            deleted++;
        }

        var abandonedUploads = await store.RemoveAbandonedUploadsAsync(container, grace, cancellationToken);
        return new GarbageCollection(backups, packs, referenced.Count, newlyCondemned, pardoned, deleted, blocked, abandonedUploads);
    }

    private async Task<DateTime?> ReadPackCreatedAsync(string container, Guid pack, CancellationToken cancellationToken)
    {
        try
        {
            return PackIndex.Decode(pack, await store.GetAsync(container, StoreLayout.PackIndex(pack), cancellationToken)).CreatedAt;
        }
        catch (ObjectNotFoundException)
        {
            return null; // No index: an upload cut short, or one whose index is on its way; the lock rule covers the latter.
        }
    }

    private async Task<DateTime?> ReadTimeAsync<T>(string container, string name, Func<T, DateTime> time, CancellationToken cancellationToken)
    {
        try
        {
            var value = JsonSerializer.Deserialize<T>(await store.GetAsync(container, name, cancellationToken));
            return value is null ? null : time(value);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record CondemnedPack(
        [property: JsonPropertyName("pack")] string Pack,
        [property: JsonPropertyName("condemned_at")] DateTime CondemnedAt);
}
