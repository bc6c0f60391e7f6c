using System.Globalization;
using System.Text;

namespace BackupPlatform.Storage.Tests.Engine;

/// <summary>Volume images for engine tests: zero, random and compressible (log-like) regions, seeded.</summary>
internal static class TestVolumes
{
    public const int Chunk = 64 * 1024;

    /// <summary>Regions of 1 MiB in turn zero, random, text; an odd tail so the last chunk is short.</summary>
    public static byte[] Mixed(int mebibytes, int seed, int tail = 12345)
    {
        var random = new Random(seed);
        var data = new byte[(mebibytes * 1024 * 1024) + tail];
        for (var region = 0; region * 1048576 < data.Length; region++)
        {
            var span = data.AsSpan(region * 1048576, Math.Min(1048576, data.Length - (region * 1048576)));
            switch (region % 3)
            {
                case 1:
                    random.NextBytes(span);
                    break;
                case 2:
                    Text(random, span);
                    break;
            }
        }

        return data;
    }

    /// <summary>Overwrites <paramref name="fraction"/> of the volume in scattered, chunk-aligned 64 KiB writes, half random, half text.</summary>
    public static byte[] Mutated(byte[] volume, double fraction, int seed)
    {
        var copy = (byte[])volume.Clone();
        var random = new Random(seed);
        var writes = (int)Math.Ceiling(volume.Length * fraction / Chunk);
        var slots = Enumerable.Range(0, volume.Length / Chunk).OrderBy(_ => random.Next()).Take(writes);
        var i = 0;
        foreach (var slot in slots)
        {
            var span = copy.AsSpan(slot * Chunk, Chunk);
            if (i++ % 2 == 0)
            {
                random.NextBytes(span);
            }
            else
            {
                Text(random, span);
            }
        }

        return copy;
    }

    private static void Text(Random random, Span<byte> span)
    {
        var text = new StringBuilder();
        while (text.Length < span.Length)
        {
            text.Append(CultureInfo.InvariantCulture, $"{random.Next(1_600_000, 1_800_000)}.{random.Next(1_000_000):D6} INFO cinder.backup.manager [req-{random.Next():x8}] backup chunk {random.Next(100000)} written {random.Next(1 << 20)} bytes\n");
        }

        Encoding.ASCII.GetBytes(text.ToString(0, span.Length), span);
    }
}
