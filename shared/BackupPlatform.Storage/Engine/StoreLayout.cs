namespace BackupPlatform.Storage.Engine;

/// <summary>Object names inside a container (docs/storage-format.md).</summary>
public static class StoreLayout
{
    public const string PackPrefix = "packs/";
    public const string PackIndexPrefix = "index/";
    public const string BackupPrefix = "backups/";
    public const string LockPrefix = "locks/";
    public const string CondemnedPrefix = "gc/condemned/";

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

    public static string Condemned(Guid pack) => $"{CondemnedPrefix}{PackId(pack)}";

    public static string PackId(Guid pack) => pack.ToString("N");

    /// <summary>The pack id at the end of a pack, pack index or condemned-marker name.</summary>
    public static Guid ParsePackId(string name) => Guid.ParseExact(name[(name.LastIndexOf('/') + 1)..], "N");
}
