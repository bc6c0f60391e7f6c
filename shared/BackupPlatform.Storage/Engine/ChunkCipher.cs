using System.Security.Cryptography;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// Client-side encryption under one master key (AES-256-GCM per chunk). HKDF-SHA256 derives from the master
/// key the keys that name chunks, one per project (HMAC-SHA256 of the plain bytes, <see cref="ChunkNaming"/>):
/// with them the store never sees a plain SHA-256 that would confirm known content, and chunks under
/// different keys or projects never dedup into each other. Another derived key seals them.
/// A sealed blob is "BPE1", a random 12-byte nonce, the encrypted bytes and the 16-byte tag. The
/// blob's name is its associated data, so a blob moved under another name does not open.
/// </summary>
public sealed class ChunkCipher
{
    public const int KeyLength = 32;
    public const int NonceLength = 12;
    public const int TagLength = 16;

    /// <summary>What sealing adds to a blob: magic, nonce and tag.</summary>
    public const int Overhead = 4 + NonceLength + TagLength;

    public const string Algorithm = "aes-256-gcm";
    public const string ChunkNamingAlgorithm = ChunkNaming.Algorithm;

    private static ReadOnlySpan<byte> Magic => "BPE1"u8;

    // One AES key schedule per pipeline thread, not one per chunk (as ChunkCodec keeps its zstd contexts);
    // an AesGcm instance is not safe to share between threads.
    [ThreadStatic]
    private static AesGcm? t_aes;

    [ThreadStatic]
    private static ChunkCipher? t_aesOwner;

    private readonly byte[] _master;
    private readonly byte[] _sealingKey;

    private ChunkCipher(byte[] master)
    {
        _master = master;
        _sealingKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, master, KeyLength, info: "backupplatform chunk sealing"u8.ToArray());
        KeyId = ChunkNaming.KeyId(master);
        UndividedNaming = ChunkNaming.Keyed(HKDF.DeriveKey(HashAlgorithmName.SHA256, master, KeyLength, info: "backupplatform chunk naming"u8.ToArray()));
    }

    /// <summary>Names the key without revealing it: recorded in each backup's manifest, shown in errors.</summary>
    public string KeyId { get; }

    /// <param name="setting">The configuration key it came from, for the error message (which never shows the key).</param>
    public static ChunkCipher FromBase64(string key, string setting)
    {
        var master = new byte[KeyLength];
        if (!Convert.TryFromBase64String(key.Trim(), master, out var length) || length != KeyLength)
        {
            throw new InvalidOperationException($"{setting} must be {KeyLength} random bytes in base64 (e.g. `openssl rand -base64 32`).");
        }

        return new ChunkCipher(master);
    }

    /// <summary>How encrypted backups named chunks before dedup domains: one naming key for every project.</summary>
    public ChunkNaming UndividedNaming { get; }

    /// <summary>The dedup domain of a project under this key: how new encrypted backups name chunks.</summary>
    public ChunkNaming NamingFor(string project) => ChunkNaming.ForProject(_master, project);

    /// <summary>Seals <paramref name="plain"/> into <paramref name="destination"/> (at least <see cref="Overhead"/> longer) and returns the sealed length.</summary>
    public int Seal(ReadOnlySpan<byte> plain, ReadOnlySpan<byte> associated, Span<byte> destination)
    {
        Magic.CopyTo(destination);
        var nonce = destination.Slice(Magic.Length, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        var cipherText = destination.Slice(Magic.Length + NonceLength, plain.Length);
        var tag = destination.Slice(Magic.Length + NonceLength + plain.Length, TagLength);
        Aes().Encrypt(nonce, plain, cipherText, tag, associated);
        return plain.Length + Overhead;
    }

    /// <summary>Opens a sealed blob into <paramref name="destination"/> and returns the plain length; <see cref="InvalidDataException"/> when it was not sealed under this key and name, or was altered.</summary>
    public int Open(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> associated, Span<byte> destination)
    {
        if (blob.Length < Overhead || !blob[..Magic.Length].SequenceEqual(Magic))
        {
            throw new InvalidDataException("not an encrypted blob (bad header)");
        }

        var length = blob.Length - Overhead;
        if (length > destination.Length)
        {
            throw new InvalidDataException($"encrypted blob of {length} bytes, more than the {destination.Length} expected");
        }

        try
        {
            Aes().Decrypt(
                blob.Slice(Magic.Length, NonceLength),
                blob.Slice(Magic.Length + NonceLength, length),
                blob[^TagLength..],
                destination[..length],
                associated);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new InvalidDataException($"does not decrypt with key {KeyId}: altered, or stored under another name", e);
        }

        return length;
    }

    /// <summary>Seals a backup's text (its volume metadata) bound to the backup's id; base64.</summary>
    public string SealText(string text, Guid backupId)
    {
        var plain = System.Text.Encoding.UTF8.GetBytes(text);
        var sealedText = new byte[plain.Length + Overhead];
        Seal(plain, backupId.ToByteArray(), sealedText);
        return Convert.ToBase64String(sealedText);
    }

    public string OpenText(string sealedText, Guid backupId)
    {
        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(sealedText);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException("sealed text is not base64", e);
        }

        var plain = new byte[Math.Max(0, blob.Length - Overhead)];
        var length = Open(blob, backupId.ToByteArray(), plain);
        return System.Text.Encoding.UTF8.GetString(plain, 0, length);
    }

    /// <summary>This thread's AES-GCM under this cipher's sealing key.</summary>
    private AesGcm Aes()
    {
        if (!ReferenceEquals(t_aesOwner, this) || t_aes is null)
        {
            t_aes?.Dispose();
            t_aes = new AesGcm(_sealingKey, TagLength);
            t_aesOwner = this;
        }

        return t_aes;
    }

    public int SealChunk(ReadOnlySpan<byte> encoded, ChunkHash name, Span<byte> destination)
    {
        Span<byte> associated = stackalloc byte[ChunkHash.Size];
        name.Write(associated);
        return Seal(encoded, associated, destination);
    }

    public int OpenChunk(ReadOnlySpan<byte> blob, ChunkHash name, Span<byte> destination)
    {
        Span<byte> associated = stackalloc byte[ChunkHash.Size];
        name.Write(associated);
        return Open(blob, associated, destination);
    }
}
