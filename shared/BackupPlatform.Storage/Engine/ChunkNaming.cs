using System.Security.Cryptography;
using System.Text;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// How one backup's chunks are named, which decides what they dedup against: only chunks named the same
/// way are ever shared. A new backup names its chunks by HMAC-SHA256 under a key of its project (its dedup
/// domain), so that no project can learn from its own backups' sizes or counts whether another project
/// stores a block (docs/storage-format.md, "Chunk names and dedup domains"). Backups written before
/// domains existed are read with the naming their manifest implies: SHA-256, or the encryption key's
/// single naming key.
/// </summary>
public sealed class ChunkNaming
{
    public const string Algorithm = "hmac-sha256";

    /// <summary>Hex digits that begin the id of every pack a domain writes: a backup lists only its domain's pack indexes.</summary>
    public const int PackTagLength = 12;

    private readonly byte[]? _key;

    private ChunkNaming(byte[]? key, string packTag)
    {
        _key = key;
        PackTag = packTag;
    }

    /// <summary>Plain backups written before dedup domains (no chunk_naming): a chunk is named by the SHA-256 of its plain bytes.</summary>
    public static ChunkNaming Sha256 { get; } = new(null, "");

    /// <summary>The first <see cref="PackTagLength"/> hex digits of this domain's pack ids; empty for the namings before domains (random pack ids).</summary>
    public string PackTag { get; }

    /// <summary>
    /// The dedup domain of <paramref name="project"/> under <paramref name="master"/> (the container's naming
    /// key, or the encryption key for a sealed backup): naming key = HKDF-SHA256(master, info
    /// "backupplatform chunk naming for project " + the project id).
    /// </summary>
    public static ChunkNaming ForProject(ReadOnlySpan<byte> master, string project)
    {
        if (string.IsNullOrEmpty(project))
        {
            throw new ArgumentException("A backup's chunks are named in the domain of its project: the project id is required.", nameof(project));
        }

        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, master.ToArray(), 32, info: Encoding.UTF8.GetBytes($"backupplatform chunk naming for project {project}"));
        var tag = HKDF.DeriveKey(HashAlgorithmName.SHA256, key, PackTagLength / 2, info: "backupplatform pack tag"u8.ToArray());
        return new ChunkNaming(key, Convert.ToHexStringLower(tag));
    }

    /// <summary>One key for every chunk, whatever the project: how encrypted backups named chunks before dedup domains.</summary>
    internal static ChunkNaming Keyed(byte[] key) => new(key, "");

    /// <summary>Names a key without revealing it: 8 bytes of HKDF-SHA256(key, info "backupplatform key id"), in hex.</summary>
    public static string KeyId(ReadOnlySpan<byte> master) =>
        Convert.ToHexStringLower(HKDF.DeriveKey(HashAlgorithmName.SHA256, master.ToArray(), 8, info: "backupplatform key id"u8.ToArray()));

    public ChunkHash Name(ReadOnlySpan<byte> plain)
    {
        if (_key is null)
        {
            return ChunkHash.Of(plain);
        }

        Span<byte> digest = stackalloc byte[ChunkHash.Size];
        HMACSHA256.HashData(_key, plain, digest);
        return ChunkHash.Read(digest);
    }

    /// <summary>A new pack's id: this domain's tag, then random digits (80 bits, against 128 for an untagged id).</summary>
    internal Guid NewPackId() =>
        PackTag.Length == 0 ? Guid.NewGuid() : Guid.ParseExact(PackTag + RandomNumberGenerator.GetHexString(32 - PackTagLength, lowercase: true), "N");
}
