using BackupPlatform.Storage.Engine;
using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Storage.Tests.Engine;

/// <summary>The engine against the test Swift, and a Swift that goes away (through a proxy that is taken down).</summary>
public sealed class SwiftEngineTests : EngineTests
{
    private static SwiftStoreOptions SwiftOptions(string authUrl) => new()
    {
        AuthUrl = authUrl,
        User = StoreEnvironment.Require("SWIFT_USER"),
        Key = StoreEnvironment.Require("SWIFT_KEY"),
        Timeout = TimeSpan.FromSeconds(10),
    };

    protected override IObjectStore CreateStore() => new SwiftStore(SwiftOptions(StoreEnvironment.Require("SWIFT_AUTH_URL")));

    [Fact]
    public async Task A_swift_down_for_part_of_a_backup_is_retried_and_the_backup_completes()
    {
        var authUrl = new Uri(StoreEnvironment.Require("SWIFT_AUTH_URL"));
        await using var proxy = new PausableProxy(authUrl.Port);
        using var driver = new SwiftStore(SwiftOptions($"http://127.0.0.1:{proxy.Port}{authUrl.AbsolutePath}"));
        var store = new RetryingStore(driver, new RetryOptions { Attempts = 6, Backoff = TimeSpan.FromMilliseconds(300) });
        var volume = TestVolumes.Mixed(8, seed: 10);
        var path = TempFile();
        await File.WriteAllBytesAsync(path, volume);
        var backupId = Guid.NewGuid();
        var outage = 0;
        var progress = new Progress<long>(done =>
        {
            // Down once, a quarter of the way in, for 1.5 s: packs and index uploads in flight fail and are retried.
            if (done >= volume.Length / 4 && Interlocked.Exchange(ref outage, 1) == 0)
            {
                proxy.Down();
                _ = Task.Delay(1500).ContinueWith(_ => proxy.Up(), TaskScheduler.Default);
            }
        });

        await new BackupWriter(store, Options()).WriteAsync(
            new BackupRequest { BackupId = backupId, VolumeId = Guid.NewGuid(), ProjectId = "project", DevicePath = path, SizeBytes = volume.Length, Container = Container, Progress = progress },
            None);

        Assert.Equal(1, outage);
        Assert.Equal(volume, await RestoreAsync(backupId, volume.Length, targetIsNew: true));
    }

    [Fact]
    public async Task A_swift_that_stays_down_fails_the_backup_with_swifts_error()
    {
        var authUrl = new Uri(StoreEnvironment.Require("SWIFT_AUTH_URL"));
        await using var proxy = new PausableProxy(authUrl.Port);
        using var driver = new SwiftStore(SwiftOptions($"http://127.0.0.1:{proxy.Port}{authUrl.AbsolutePath}"));
        var store = new RetryingStore(driver, new RetryOptions { Attempts = 2, Backoff = TimeSpan.FromMilliseconds(100) });
        await store.EnsureContainerAsync(Container, None);
        var volume = TestVolumes.Mixed(3, seed: 11);
        var path = TempFile();
        await File.WriteAllBytesAsync(path, volume);
        proxy.Down();

        var failure = await Assert.ThrowsAsync<StoreException>(() => new BackupWriter(store, Options()).WriteAsync(
            new BackupRequest { BackupId = Guid.NewGuid(), VolumeId = Guid.NewGuid(), ProjectId = "project", DevicePath = path, SizeBytes = volume.Length, Container = Container },
            None));

        Assert.StartsWith($"Swift store at http://127.0.0.1:{proxy.Port}", failure.Message, StringComparison.Ordinal);
    }
}
