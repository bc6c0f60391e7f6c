using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Storage.Tests;

public sealed class PosixStoreTests : ObjectStoreConformanceTests, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"bp-posix-{Guid.NewGuid():N}");

    // The posix store lists by walking directories, so there is no page size to shrink.
    protected override IObjectStore CreateStore(int? listPageSize) => new PosixStore(_root);

    // A root below a regular file can never be created.
    protected override IObjectStore CreateBrokenStore()
    {
        Directory.CreateDirectory(_root);
        var file = Path.Combine(_root, "not-a-directory");
        File.WriteAllBytes(file, [0]);
        return new PosixStore(Path.Combine(file, "store"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
