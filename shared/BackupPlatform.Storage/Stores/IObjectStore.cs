namespace BackupPlatform.Storage.Stores;

/// <summary>
/// A store driver: it only puts, gets, deletes and lists whole objects in a container, and checks its
/// own setup. Chunking, hashing, compression, dedup, verification and retries belong to the engine.
/// Objects are written once and never modified, so every call is safe to repeat.
/// </summary>
public interface IObjectStore
{
    /// <summary>The driver's name as exported in backup records ("posix", "swift", "s3").</summary>
    string Name { get; }

    /// <summary>Cinder's check_for_setup_error: fail clearly at start when the store is unreachable or misconfigured.</summary>
    Task CheckSetupAsync(CancellationToken cancellationToken);

    /// <summary>Create the container if it does not exist (Cinder's put_container).</summary>
    Task EnsureContainerAsync(string container, CancellationToken cancellationToken);

    /// <summary>Write an object whole; readers never see a partial object.</summary>
    Task PutAsync(string container, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Read an object whole; <see cref="ObjectNotFoundException"/> when it does not exist.</summary>
    Task<byte[]> GetAsync(string container, string name, CancellationToken cancellationToken);

    /// <summary>
    /// Read part of an object into <paramref name="destination"/>, starting at <paramref name="offset"/>: the
    /// engine fetches single chunks or runs of chunks out of a large pack without fetching the whole pack.
    /// Returns the bytes read, fewer than asked only where the object ends; <see cref="ObjectNotFoundException"/> when it does not exist.
    /// </summary>
    Task<int> ReadRangeAsync(string container, string name, long offset, Memory<byte> destination, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string container, string name, CancellationToken cancellationToken);

    /// <summary>Delete an object; deleting one that does not exist is not an error.</summary>
    Task DeleteAsync(string container, string name, CancellationToken cancellationToken);

    /// <summary>Names of the objects in a container that start with <paramref name="prefix"/>, in no particular order.</summary>
    IAsyncEnumerable<string> ListAsync(string container, string prefix, CancellationToken cancellationToken);

    /// <summary>
    /// Remove what uploads cut short by a crash left behind and listings do not show (a posix store's
    /// temporary files), when older than <paramref name="olderThan"/>; the count removed. Stores whose
    /// writes are atomic on the server have nothing to remove.
    /// </summary>
    Task<int> RemoveAbandonedUploadsAsync(string container, TimeSpan olderThan, CancellationToken cancellationToken) => Task.FromResult(0);
}
