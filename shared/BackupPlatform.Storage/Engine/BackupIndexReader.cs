using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Storage.Engine;

/// <summary>Reads a backup's index one segment at a time, each checked against the manifest before an entry of it is used.</summary>
internal static class BackupIndexReader
{
    public static async IAsyncEnumerable<IndexEntry> ReadAsync(IObjectStore store, string container, BackupManifest manifest, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var segment in manifest.IndexSegments)
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

            if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != segment.Sha256)
            {
                throw new InvalidDataException($"Index segment {segment.Name} of backup {manifest.BackupId} does not match its manifest's checksum.");
            }

            var count = IndexFormat.ReadHeader(bytes, segment.Name);
            if (count != segment.Entries)
            {
                throw new InvalidDataException($"Index segment {segment.Name} holds {count} entries, the manifest says {segment.Entries}.");
            }

            for (var i = 0; i < count; i++)
            {
                yield return IndexFormat.ReadEntry(bytes.AsSpan(IndexFormat.HeaderLength + (i * IndexFormat.EntryLength), IndexFormat.EntryLength));
            }
        }
    }
}
