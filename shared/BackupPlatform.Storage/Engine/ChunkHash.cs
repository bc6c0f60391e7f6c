using System.Buffers.Binary;
using System.Security.Cryptography;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// A chunk's identity: the SHA-256 of its plain bytes, held as four words so that the dedup table
/// keys on 32 bytes inline instead of a string per chunk.
/// </summary>
public readonly record struct ChunkHash(ulong A, ulong B, ulong C, ulong D)
{
    public const int Size = 32;

    /// <summary>All zero: the index's marker for a chunk of zeros, which is never stored.</summary>
    public static ChunkHash Zero => default;

    public bool IsZero => this == default;

    public static ChunkHash Of(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[Size];
        SHA256.HashData(data, digest);
        return Read(digest);
    }

    public static ChunkHash Read(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadUInt64BigEndian(bytes),
        BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
        BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
        BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]));

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, A);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], B);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], C);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], D);
    }

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        Write(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
