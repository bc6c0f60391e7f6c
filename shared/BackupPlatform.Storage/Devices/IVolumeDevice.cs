namespace BackupPlatform.Storage.Devices;

/// <summary>
/// An attached volume as the engine reads and writes it: os-brick's connector seen from the backup
/// driver. <see cref="FileVolumeDevice"/> opens a file the worker shares with the volume service;
/// <see cref="HttpVolumeDevice"/> reaches the volume service's HTTP data path. Reads and writes at
/// different offsets may run at once; the caller keeps at most <see cref="RequestsInFlight"/> going.
/// </summary>
public interface IVolumeDevice : IAsyncDisposable
{
    /// <summary>The connector's name, as the volume service's connection names it ("file", "http"): a tag on the engine's spans.</summary>
    string Connector { get; }

    /// <summary>The volume's size in bytes; nothing is read or written past it.</summary>
    long Size { get; }

    /// <summary>
    /// How many reads (or writes) the engine keeps going at once: 1 for a local file, whose kernel reads
    /// ahead by itself; several for a network device, whose requests each wait a round trip.
    /// </summary>
    int RequestsInFlight { get; }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/>; returns fewer bytes only at the end of the data (the rest reads as zeros).</summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, long offset, CancellationToken cancellationToken);

    /// <summary>
    /// The allocated stretches from <paramref name="offset"/> on, in order: everything outside them reads as
    /// zeros (a sparse file's holes). A device that cannot tell reports one extent to its end.
    /// </summary>
    IAsyncEnumerable<DeviceExtent> AllocatedExtentsAsync(long offset, CancellationToken cancellationToken);

    ValueTask WriteAsync(ReadOnlyMemory<byte> data, long offset, CancellationToken cancellationToken);

    /// <summary>Makes [offset, offset + length) read as zeros.</summary>
    ValueTask WriteZerosAsync(long offset, long length, CancellationToken cancellationToken);

    /// <summary>Makes everything written so far durable (fsync); a restore reports done only after it.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);
}
