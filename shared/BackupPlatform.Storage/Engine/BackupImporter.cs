using System.Security.Cryptography;
using System.Text.Json;
using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// The store side of import_record: makes a backup whose data is already stored available under an id.
/// A record imported under the id its data was written with adopts that data as it lies; one imported
/// under another id (its record's id changed, as tempest does; or a second catalogue entry for the same
/// data) gets its own manifest and index under the new id, copies of the originals, over the same packs.
/// Each id then owns its manifest and index alone: deleting either backup removes only its own, and
/// garbage collection keeps the packs while any manifest names them (docs/storage-format.md, "Import").
/// </summary>
public sealed class BackupImporter(IObjectStore store, EngineOptions options)
{
    /// <param name="source">The id the data was written under: where its manifest is (the record's service_metadata).</param>
    /// <param name="target">The id of the imported backup.</param>
    public async Task<BackupVerification> ImportAsync(string container, Guid source, Guid target, CancellationToken cancellationToken)
    {
        var restorer = new BackupRestorer(store, options);
        if (source == target)
        {
            return await restorer.VerifyAsync(container, target, cancellationToken);
        }

        // The lock first, as a backup's: garbage collection deletes no pack condemned after it, so the packs
        // the source names stay while the copy is made, even when the source is deleted meanwhile.
        var lockName = StoreLayout.Lock(target);
        await store.PutAsync(container, lockName, JsonSerializer.SerializeToUtf8Bytes(new BackupLock(target, DateTime.UtcNow)), cancellationToken);
        try
        {
            var manifest = await restorer.ReadManifestAsync(container, source, cancellationToken);
            var cipher = restorer.CipherFor(manifest);
            if (await ReadExistingAsync(restorer, container, target, cancellationToken) is { } existing)
            {
                // A redelivered import finds its own copy; anything else under that id is another backup's and stays untouched.
                if (!SameData(existing, manifest))
                {
                    throw new InvalidDataException($"Container {container} already holds a different backup {target}: the record cannot be imported under that id.");
                }

                return await restorer.VerifyAsync(container, target, cancellationToken);
            }

            var segments = new List<IndexSegment>(manifest.IndexSegments.Count);
            var referenced = new HashSet<Guid>();
            try
            {
                foreach (var segment in manifest.IndexSegments)
                {
                    var bytes = await ReadSegmentAsync(container, manifest, segment, cancellationToken);
                    for (var i = 0; i < segment.Entries; i++)
                    {
                        var entry = IndexFormat.ReadEntry(bytes.AsSpan(IndexFormat.HeaderLength + (i * IndexFormat.EntryLength), IndexFormat.EntryLength));
                        if (!entry.IsZero)
                        {
                            referenced.Add(entry.Location.Pack);
                        }
                    }

                    var name = StoreLayout.IndexSegment(target, segments.Count);
                    await store.PutAsync(container, name, bytes, cancellationToken);
                    segments.Add(segment with { Name = name });
                }

                var missing = await MissingPacksAsync(container, referenced, cancellationToken);
                if (missing.Count > 0)
                {
                    throw new InvalidDataException($"Backup is damaged: {missing.Count} of {referenced.Count} packs missing from the store, e.g. {missing[0]}.");
                }

                var copy = manifest with
                {
                    BackupId = target,
                    IndexSegments = segments,
                    // Sealed metadata is bound to its backup's id: opened under the source's, sealed again under the copy's.
                    VolumeMetadata = cipher is null || manifest.VolumeMetadata is null
                        ? manifest.VolumeMetadata
                        : cipher.SealText(restorer.ReadVolumeMetadata(manifest)!, target),
                };

                // Manifest last, as a backup writes it: the copy is a backup only once all it names is stored.
                await store.PutAsync(container, StoreLayout.Manifest(target), JsonSerializer.SerializeToUtf8Bytes(copy), cancellationToken);
                return new BackupVerification(copy, referenced.Count, []);
            }
            catch
            {
                await RemovePartialCopyAsync(container, target);
                throw;
            }
        }
        finally
        {
            await DeleteQuietlyAsync(container, lockName);
        }
    }

    private static bool SameData(BackupManifest existing, BackupManifest source) =>
        existing.SizeBytes == source.SizeBytes
        && existing.ChunkSize == source.ChunkSize
        && existing.VolumeId == source.VolumeId
        && existing.CreatedAt == source.CreatedAt
        && existing.IndexSegments.Select(s => s.Sha256).SequenceEqual(source.IndexSegments.Select(s => s.Sha256));

    private static async Task<BackupManifest?> ReadExistingAsync(BackupRestorer restorer, string container, Guid target, CancellationToken cancellationToken)
    {
        try
        {
            return await restorer.ReadManifestAsync(container, target, cancellationToken);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private async Task<byte[]> ReadSegmentAsync(string container, BackupManifest manifest, IndexSegment segment, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await store.GetAsync(container, segment.Name, cancellationToken);
        }
        catch (ObjectNotFoundException e)
        {
            throw new InvalidDataException($"Index segment {segment.Name} of backup {manifest.BackupId} is missing from the store.", e);
        }

        if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != segment.Sha256 || IndexFormat.ReadHeader(bytes, segment.Name) != segment.Entries)
        {
            throw new InvalidDataException($"Index segment {segment.Name} of backup {manifest.BackupId} does not match its manifest.");
        }

        return bytes;
    }

    private async Task<List<string>> MissingPacksAsync(string container, HashSet<Guid> referenced, CancellationToken cancellationToken)
    {
        var present = new HashSet<Guid>();
        await foreach (var name in store.ListAsync(container, StoreLayout.PackPrefix, cancellationToken))
        {
            present.Add(StoreLayout.ParsePackId(name));
        }

        return referenced.Where(pack => !present.Contains(pack)).Select(StoreLayout.Pack).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Segments copied before a failure; no manifest was written, so nothing else can name them.</summary>
    private async Task RemovePartialCopyAsync(string container, Guid target)
    {
        try
        {
            await foreach (var name in store.ListAsync(container, $"{StoreLayout.BackupPrefix}{target}/", CancellationToken.None))
            {
                await store.DeleteAsync(container, name, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is StoreException or HttpRequestException or IOException)
        {
            // The store is down: the segments stay unnamed by any manifest, and cost only their bytes.
        }
    }

    private async Task DeleteQuietlyAsync(string container, string name)
    {
        try
        {
            await store.DeleteAsync(container, name, CancellationToken.None);
        }
        catch (Exception e) when (e is StoreException or HttpRequestException or IOException)
        {
            // The store is down: the lock goes stale and garbage collection then ignores it.
        }
    }
}
