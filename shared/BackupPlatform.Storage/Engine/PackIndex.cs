using System.Buffers.Binary;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// The index object of a pack (index/{pack}): a 24-byte header ("BPP1", a reserved word, the entry
/// count as uint32 LE, a reserved word, the creation time in Unix milliseconds as int64 LE) followed
/// by 40-byte entries: SHA-256 (32), blob offset (uint32 LE) and stored length (uint32 LE).
/// Dedup and garbage collection read these small objects, never the packs.
/// </summary>
public sealed record PackIndex(Guid Pack, DateTime CreatedAt, IReadOnlyList<(ChunkHash Hash, long Offset, int Length)> Entries)
{
    public const int HeaderLength = 24;
    public const int EntryLength = 40;

    private static ReadOnlySpan<byte> Magic => "BPP1"u8;

    public byte[] Encode()
    {
        var bytes = new byte[HeaderLength + (Entries.Count * EntryLength)];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)Entries.Count);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16), new DateTimeOffset(CreatedAt).ToUnixTimeMilliseconds());
        for (var i = 0; i < Entries.Count; i++)
        {
            var entry = bytes.AsSpan(HeaderLength + (i * EntryLength), EntryLength);
            Entries[i].Hash.Write(entry);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[32..], checked((uint)Entries[i].Offset));
            BinaryPrimitives.WriteUInt32LittleEndian(entry[36..], (uint)Entries[i].Length);
        }

        return bytes;
    }

    public static PackIndex Decode(Guid pack, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderLength || !bytes[..4].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{StoreLayout.PackIndex(pack)} is not a pack index (bad header).");
        }

        var count = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (bytes.Length != HeaderLength + ((long)count * EntryLength))
        {
            throw new InvalidDataException($"{StoreLayout.PackIndex(pack)} claims {count} entries but holds {bytes.Length} bytes.");
        }

        var created = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(bytes[16..])).UtcDateTime;
        var entries = new (ChunkHash, long, int)[count];
        for (var i = 0; i < count; i++)
        {
            var entry = bytes.Slice(HeaderLength + (i * EntryLength), EntryLength);
            entries[i] = (ChunkHash.Read(entry), BinaryPrimitives.ReadUInt32LittleEndian(entry[32..]), (int)BinaryPrimitives.ReadUInt32LittleEndian(entry[36..]));
        }

        return new PackIndex(pack, created, entries);
    }
}
