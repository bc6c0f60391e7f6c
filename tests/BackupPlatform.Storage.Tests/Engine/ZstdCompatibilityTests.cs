using System.Buffers.Binary;
using System.Text;
using BackupPlatform.Storage.Engine;
using ZstdSharp;

namespace BackupPlatform.Storage.Tests.Engine;

/// <summary>
/// The engine compresses with the system's libzstd when it loads and with the managed ZstdSharp otherwise:
/// chunks written by either must read back with the other (a worker without libzstd restores a backup
/// written by one with it, and backups written before the switch stay readable).
/// </summary>
public sealed class ZstdCompatibilityTests
{
    private static readonly byte[] Chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 3000).Select(i => $"2026-11-22T20:{i % 60:00}:00Z worker-a backup {i} ok\n"))).AsSpan(0, 65536).ToArray();

    [Fact]
    public void A_chunk_compressed_by_ZstdSharp_decodes()
    {
        var payload = new Compressor(1).Wrap(Chunk).ToArray();
        var blob = new byte[ChunkCodec.HeaderLength + payload.Length];
        "BPC1"u8.CopyTo(blob);
        blob[4] = (byte)Compression.Zstd;
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(8), (uint)Chunk.Length);
        payload.CopyTo(blob, ChunkCodec.HeaderLength);

        var plain = new byte[Chunk.Length];
        Assert.Equal(Chunk.Length, ChunkCodec.Decode(blob, plain));
        Assert.Equal(Chunk, plain);
    }

    [Fact]
    public void A_chunk_the_engine_compressed_decodes_with_ZstdSharp()
    {
        var blob = new byte[ChunkCodec.MaxEncodedLength(Chunk.Length)];
        var length = ChunkCodec.EncodeInto(Chunk, Compression.Zstd, blob);
        Assert.Equal((byte)Compression.Zstd, blob[4]);
        Assert.True(length < Chunk.Length / 2, $"log text compressed to {length} of {Chunk.Length} bytes");

        var plain = new Decompressor().Unwrap(blob.AsSpan(ChunkCodec.HeaderLength, length - ChunkCodec.HeaderLength)).ToArray();
        Assert.Equal(Chunk, plain);
    }

    [Fact]
    public void A_damaged_zstd_chunk_is_refused_as_invalid_data()
    {
        var blob = new byte[ChunkCodec.MaxEncodedLength(Chunk.Length)];
        var length = ChunkCodec.EncodeInto(Chunk, Compression.Zstd, blob);
        blob.AsSpan(ChunkCodec.HeaderLength + 4, length - ChunkCodec.HeaderLength - 4).Fill(0xA5);
        Assert.Throws<InvalidDataException>(() => ChunkCodec.Decode(blob.AsSpan(0, length), new byte[Chunk.Length]));
    }
}
