namespace BackupPlatform.Storage.Engine;

/// <summary>Object names inside a container (docs/storage-format.md).</summary>
public static class StoreLayout
{
    public const string PackPrefix = "packs/";
    public const string PackIndexPrefix = "index/";
    public const string BackupPrefix = "backups/";
    public const string LockPrefix = "locks/";
    public const string CondemnedPrefix = "gc/condemned/";
    public const string NamingKeyPrefix = "keys/naming/";

    /// <summary>A pack is named by a random 128-bit id in hex, fanned out by its first two digits.</summary>
    public static string Pack(Guid pack)
    {
        var id = PackId(pack);
        return $"{PackPrefix}{id[..2]}/{id}";
    }

    /// <summary>The list of the chunks a pack holds: what dedup and garbage collection read instead of the pack.</summary>
    public static string PackIndex(Guid pack) => $"{PackIndexPrefix}{PackId(pack)}";

    public static string IndexSegment(Guid backupId, int segment) => $"{BackupPrefix}{backupId}/index/{segment:D6}";

    public static string Manifest(Guid backupId) => $"{BackupPrefix}{backupId}/metadata.json";

    /// <summary>Held by a running backup: garbage collection deletes nothing it might have chosen to reference.</summary>
    public static string Lock(Guid backupId) => $"{LockPrefix}{backupId}";

    /// <summary>The container's chunk naming key, named by its id (<see cref="ContainerNamingKey"/>); never deleted.</summary>
    public static string NamingKey(string keyId) => $"{NamingKeyPrefix}{keyId}";

    public static string Condemned(Guid pack) => $"{CondemnedPrefix}{PackId(pack)}";

    public static string PackId(Guid pack) => pack.ToString("N");

    /// <summary>The pack id at the end of a pack, pack index or condemned-marker name.</summary>
    public static Guid ParsePackId(string name) => Guid.ParseExact(name[(name.LastIndexOf('/') + 1)..], "N");

    /// <summary>
    /// The pack id of a name listed under a pack, pack-index or condemned prefix, when the name has exactly that
    /// layout. Anything else found there (a foreign object, a backup once written with a nested container name)
    /// is no pack: listing passes over it rather than failing, and garbage collection never deletes it.
    /// </summary>
    public static bool TryParsePackId(string name, string prefix, out Guid pack)
    {
        pack = Guid.Empty;
        if (!name.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = name.AsSpan(prefix.Length);
        if (prefix == PackPrefix)
        {
            // packs/<first two digits>/<32 hex digits>
            if (rest.Length != 35 || rest[2] != '/' || !rest[..2].SequenceEqual(rest.Slice(3, 2)))
            {
                return false;
            }

            rest = rest[3..];
        }

        return rest.Length == 32 && Guid.TryParseExact(rest, "N", out pack) && PackId(pack).AsSpan().SequenceEqual(rest);
    }
}
