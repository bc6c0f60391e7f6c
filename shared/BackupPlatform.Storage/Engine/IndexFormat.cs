using System.Buffers.Binary;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// Binary records of a backup index segment (docs/storage-format.md): a 16-byte header ("BPX1", a
/// reserved word, the entry count as uint32 little-endian, a reserved word) followed by 56-byte
/// entries in volume order: SHA-256 (32), pack id (16, the bytes of its hex name), blob offset in the
/// pack (uint32 LE) and stored length (uint32 LE).
/// </summary>
internal static class IndexFormat
{
    public const int HeaderLength = 16;
    public const int EntryLength = 56;

    private static ReadOnlySpan<byte> Magic => "BPX1"u8;

    public static void WriteHeader(Span<byte> destination, int count)
    {
        Magic.CopyTo(destination);
        destination[4..16].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], (uint)count);
    }

    public static int ReadHeader(ReadOnlySpan<byte> source, string name)
    {
        if (source.Length < HeaderLength || !source[..4].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{name} is not a backup index segment (bad header).");
        }

        var count = (int)BinaryPrimitives.ReadUInt32LittleEndian(source[8..]);
        if (source.Length != HeaderLength + (long)count * EntryLength)
        {
            throw new InvalidDataException($"{name} claims {count} entries but holds {source.Length} bytes.");
        }

        return count;
    }

    public static void WriteEntry(Span<byte> destination, IndexEntry entry)
    {
        entry.Hash.Write(destination);
        if (entry.IsZero)
        {
            destination[32..EntryLength].Clear();
            return;
        }

        entry.Location.Pack.TryWriteBytes(destination[32..48], bigEndian: true, out _);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[48..], checked((uint)entry.Location.Offset));
        BinaryPrimitives.WriteUInt32LittleEndian(destination[52..], (uint)entry.Location.Length);
    }

    public static IndexEntry ReadEntry(ReadOnlySpan<byte> source) => new(
        ChunkHash.Read(source),
        new ChunkLocation(
            new Guid(source[32..48], bigEndian: true),
            BinaryPrimitives.ReadUInt32LittleEndian(source[48..]),
            (int)BinaryPrimitives.ReadUInt32LittleEndian(source[52..])));
}
