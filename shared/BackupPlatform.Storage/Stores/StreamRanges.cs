namespace BackupPlatform.Storage.Stores;

/// <summary>Copies a response body into a caller's buffer, for the drivers' range reads.</summary>
internal static class StreamRanges
{
    /// <summary>Skips <paramref name="skip"/> bytes, then fills <paramref name="destination"/> as far as the stream goes.</summary>
    public static async Task<int> CopyAsync(Stream body, long skip, Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (skip > 0)
        {
            var scratch = new byte[81920];
            while (skip > 0)
            {
                var read = await body.ReadAsync(scratch.AsMemory(0, (int)Math.Min(scratch.Length, skip)), cancellationToken);
                if (read == 0)
                {
                    return 0;
                }

                skip -= read;
            }
        }

        var total = 0;
        while (total < destination.Length)
        {
            var read = await body.ReadAsync(destination[total..], cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
