using System.Runtime.CompilerServices;

namespace BackupPlatform.Storage.Stores;

/// <summary>
/// A directory as an object store: one directory per container, object names as relative paths.
/// Also what NFS and GlusterFS mounts use. Writes go to a temporary file that is flushed to disk
/// and renamed into place, so a crash never leaves a half-written object under its real name.
/// </summary>
public sealed class PosixStore(string root) : IObjectStore
{
    private const string TempSuffix = ".partial";

    public string Name => "posix";

    public string Root { get; } = Path.GetFullPath(root);

    public Task CheckSetupAsync(CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(Root);
            var probe = Path.Combine(Root, $".probe-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"Posix store at {Root} is not writable: {e.Message}", e);
        }

        return Task.CompletedTask;
    }

    public Task EnsureContainerAsync(string container, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(ContainerPath(container));
        return Task.CompletedTask;
    }

    public async Task PutAsync(string container, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var path = ObjectPath(container, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}{TempSuffix}";
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                await file.WriteAsync(data, cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new StoreException($"Posix store could not write {container}/{name}: {e.Message}", e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public async Task<byte[]> GetAsync(string container, string name, CancellationToken cancellationToken)
    {
        var path = ObjectPath(container, name);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(container, name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"Posix store could not read {container}/{name}: {e.Message}", e);
        }
    }

    public async Task<int> ReadRangeAsync(string container, string name, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var path = ObjectPath(container, name);
        try
        {
            using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
            var total = 0;
            while (total < destination.Length)
            {
                var read = await RandomAccess.ReadAsync(file, destination[total..], offset + total, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            return total;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(container, name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"Posix store could not read {container}/{name}: {e.Message}", e);
        }
    }

    public Task<bool> ExistsAsync(string container, string name, CancellationToken cancellationToken) =>
        Task.FromResult(File.Exists(ObjectPath(container, name)));

    public Task DeleteAsync(string container, string name, CancellationToken cancellationToken)
    {
        try
        {
            File.Delete(ObjectPath(container, name));
        }
        catch (DirectoryNotFoundException)
        {
        }

        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> ListAsync(string container, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var directory = ContainerPath(container);
        if (!Directory.Exists(directory))
        {
            yield break;
        }

        await Task.Yield();
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetRelativePath(directory, file).Replace(Path.DirectorySeparatorChar, '/');
            if (name.EndsWith(TempSuffix, StringComparison.Ordinal) || !name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            yield return name;
        }
    }

    public Task<int> RemoveAbandonedUploadsAsync(string container, TimeSpan olderThan, CancellationToken cancellationToken)
    {
        var directory = ContainerPath(container);
        if (!Directory.Exists(directory))
        {
            return Task.FromResult(0);
        }

        // A live writer touches its temporary file continuously; one untouched for longer died with its process.
        var before = DateTime.UtcNow - olderThan;
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(directory, "*" + TempSuffix, SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (File.GetLastWriteTimeUtc(file) <= before)
            {
                TryDelete(file);
                removed++;
            }
        }

        return Task.FromResult(removed);
    }

    private string ContainerPath(string container)
    {
        ObjectNames.Validate(container, nameof(container));
        return Path.Combine(Root, container);
    }

    private string ObjectPath(string container, string name)
    {
        ObjectNames.Validate(name, nameof(name));
        return Path.Combine(ContainerPath(container), name.Replace('/', Path.DirectorySeparatorChar));
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
