using System.Runtime.InteropServices;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// The system's libzstd (Debian's libzstd1, which the zstd tool uses) when it loads: on this machine it
/// compresses and decompresses chunks markedly faster than the managed ZstdSharp port, which remains the
/// fallback. Both write and read standard zstd frames, so either reads what the other wrote.
/// </summary>
internal static partial class NativeZstd
{
    private const string Library = "libzstd.so.1";

    [ThreadStatic]
    private static nint t_compressContext;

    [ThreadStatic]
    private static nint t_decompressContext;

    public static bool IsAvailable { get; } = Probe();

    /// <summary>Compressed length, or -1 when the result would not fit in <paramref name="destination"/>.</summary>
    public static int Compress(ReadOnlySpan<byte> source, Span<byte> destination, int level)
    {
        if (t_compressContext == 0)
        {
            t_compressContext = ZSTD_createCCtx();
        }

        var result = ZSTD_compressCCtx(t_compressContext, destination, (nuint)destination.Length, source, (nuint)source.Length, level);
        return ZSTD_isError(result) != 0 ? -1 : (int)result;
    }

    /// <summary>Decompressed length; <see cref="InvalidDataException"/> with zstd's reason for a damaged frame.</summary>
    public static int Decompress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (t_decompressContext == 0)
        {
            t_decompressContext = ZSTD_createDCtx();
        }

        var result = ZSTD_decompressDCtx(t_decompressContext, destination, (nuint)destination.Length, source, (nuint)source.Length);
        if (ZSTD_isError(result) != 0)
        {
            throw new InvalidDataException($"zstd: {Marshal.PtrToStringAnsi(ZSTD_getErrorName(result))}");
        }

        return (int)result;
    }

    private static bool Probe()
    {
        try
        {
            return ZSTD_versionNumber() >= 10400;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }
    }

    [LibraryImport(Library)]
    private static partial uint ZSTD_versionNumber();

    [LibraryImport(Library)]
    private static partial nint ZSTD_createCCtx();

    [LibraryImport(Library)]
    private static partial nint ZSTD_createDCtx();

    [LibraryImport(Library)]
    private static partial nuint ZSTD_compressCCtx(nint context, Span<byte> destination, nuint capacity, ReadOnlySpan<byte> source, nuint size, int level);

    [LibraryImport(Library)]
    private static partial nuint ZSTD_decompressDCtx(nint context, Span<byte> destination, nuint capacity, ReadOnlySpan<byte> source, nuint size);

    [LibraryImport(Library)]
    private static partial uint ZSTD_isError(nuint code);

    [LibraryImport(Library)]
    private static partial nint ZSTD_getErrorName(nuint code);
}
