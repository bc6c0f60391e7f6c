using System.Buffers.Binary;
using System.IO.Compression;
using ICSharpCode.SharpZipLib.BZip2;
using ZstdSharp;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// A chunk blob inside a pack: "BPC1", the compression byte, three reserved bytes, the uncompressed
/// length (uint32 little-endian), then the payload. The header makes every blob self-describing, so
/// chunks shared between backups of different compression settings stay readable.
/// </summary>
public static class ChunkCodec
{
    public const int HeaderLength = 12;
    private static ReadOnlySpan<byte> Magic => "BPC1"u8;

    [ThreadStatic]
    private static Compressor? t_zstdCompressor;

    [ThreadStatic]
    private static Decompressor? t_zstdDecompressor;

    /// <summary>The most bytes <see cref="EncodeInto"/> writes for a chunk of <paramref name="plainLength"/> bytes.</summary>
    public static int MaxEncodedLength(int plainLength) => HeaderLength + plainLength;

    /// <summary>
    /// Encodes a chunk into <paramref name="destination"/> (at least <see cref="MaxEncodedLength"/> long) and
    /// returns the encoded length. A chunk that does not shrink is stored plain, marked "none": random data
    /// then costs neither space nor decompression time on restore.
    /// </summary>
    public static int EncodeInto(ReadOnlySpan<byte> data, Compression compression, Span<byte> destination)
    {
        var payload = destination[HeaderLength..(HeaderLength + data.Length)];
        var written = compression switch
        {
            Compression.None => -1,
            Compression.Zstd when NativeZstd.IsAvailable => NativeZstd.Compress(data, payload, 1),
            Compression.Zstd => (t_zstdCompressor ??= new Compressor(1)).TryWrap(data, payload, out var n) ? n : -1,
            Compression.Zlib => CopyIfSmaller(Deflate(data), payload),
            Compression.Bz2 => CopyIfSmaller(Bzip2(data), payload),
            _ => throw new ArgumentOutOfRangeException(nameof(compression)),
        };

        if (written < 0 || written >= data.Length)
        {
            compression = Compression.None;
            data.CopyTo(payload);
            written = data.Length;
        }

        Magic.CopyTo(destination);
        destination[4] = (byte)compression;
        destination[5..8].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], (uint)data.Length);
        return HeaderLength + written;
    }

    private static int CopyIfSmaller(byte[] compressed, Span<byte> payload)
    {
        if (compressed.Length >= payload.Length)
        {
            return -1;
        }

        compressed.CopyTo(payload);
        return compressed.Length;
    }

    /// <summary>Decodes into <paramref name="destination"/> and returns the length; throws <see cref="InvalidDataException"/> on a damaged object.</summary>
    public static int Decode(ReadOnlySpan<byte> encoded, Span<byte> destination)
    {
        if (encoded.Length < HeaderLength || !encoded[..4].SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a chunk object (bad header)");
        }

        var compression = (Compression)encoded[4];
        var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(encoded[8..]);
        if (length > destination.Length)
        {
            throw new InvalidDataException($"chunk claims {length} bytes, more than the {destination.Length} expected");
        }

        var payload = encoded[HeaderLength..];
        var target = destination[..length];
        int written;
        switch (compression)
        {
            case Compression.None:
                if (payload.Length != length)
                {
                    throw new InvalidDataException("stored length does not match");
                }

                payload.CopyTo(target);
                written = length;
                break;
            case Compression.Zstd when NativeZstd.IsAvailable:
                written = NativeZstd.Decompress(payload, target);
                break;
            case Compression.Zstd:
                try
                {
                    written = (t_zstdDecompressor ??= new Decompressor()).Unwrap(payload, target);
                }
                catch (ZstdException e)
                {
                    throw new InvalidDataException($"zstd: {e.Message}", e);
                }

                break;
            case Compression.Zlib:
                written = ReadAll(new ZLibStream(new MemoryStream(payload.ToArray()), CompressionMode.Decompress), target);
                break;
            case Compression.Bz2:
                written = ReadAll(new BZip2InputStream(new MemoryStream(payload.ToArray())), target);
                break;
            default:
                throw new InvalidDataException($"unknown compression {(byte)compression}");
        }

        if (written != length)
        {
            throw new InvalidDataException($"decoded {written} bytes, expected {length}");
        }

        return length;
    }

    private static byte[] Deflate(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream(data.Length / 2 + 64);
        using (var zlib = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Bzip2(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream(data.Length / 2 + 64);
        using (var bz2 = new BZip2OutputStream(output) { IsStreamOwner = false })
        {
            bz2.Write(data);
        }

        return output.ToArray();
    }

    private static int ReadAll(Stream stream, Span<byte> target)
    {
        using (stream)
        {
            try
            {
                var total = 0;
                while (total < target.Length)
                {
                    var read = stream.Read(target[total..]);
                    if (read == 0)
                    {
                        break;
                    }

                    total += read;
                }

                if (total == target.Length && stream.ReadByte() != -1)
                {
                    throw new InvalidDataException("more data than the header says");
                }

                return total;
            }
            catch (Exception e) when (e is not InvalidDataException)
            {
                throw new InvalidDataException(e.Message, e);
            }
        }
    }
}
