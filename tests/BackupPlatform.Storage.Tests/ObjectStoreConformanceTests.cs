using System.Security.Cryptography;
using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Storage.Tests;

/// <summary>
/// What every driver must do alike, run once per driver against a real store. Each test works under
/// its own name prefix in the run's container and removes its objects afterwards.
/// </summary>
public abstract class ObjectStoreConformanceTests : IAsyncLifetime
{
    private readonly List<IObjectStore> _stores = [];
    private IObjectStore? _store;

    protected static CancellationToken None => CancellationToken.None;

    protected static string Container => TestRun.Container;

    protected string Prefix { get; } = $"t{Guid.NewGuid():N}"[..13] + "/";

    protected IObjectStore Store => _store ??= Track(CreateStore(listPageSize: null));

    /// <summary>A store against the test endpoint; <paramref name="listPageSize"/> forces small listing pages where the driver pages.</summary>
    protected abstract IObjectStore CreateStore(int? listPageSize);

    /// <summary>A store pointing somewhere nothing answers, or that cannot work as configured.</summary>
    protected abstract IObjectStore CreateBrokenStore();

    public async Task InitializeAsync() => await Store.EnsureContainerAsync(Container, None);

    public async Task DisposeAsync()
    {
        try
        {
            if (_store is not null)
            {
                await foreach (var name in _store.ListAsync(Container, Prefix, None))
                {
                    await _store.DeleteAsync(Container, name, None);
                }
            }
        }
        finally
        {
            foreach (var store in _stores)
            {
                (store as IDisposable)?.Dispose();
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5 * 1024 * 1024)]
    public async Task PutThenGetReturnsTheSameBytes(int size)
    {
        var data = RandomNumberGenerator.GetBytes(size);
        var name = $"{Prefix}vol-1/chunk-{size}";

        await Store.PutAsync(Container, name, data, None);

        AssertSameBytes(data, await Store.GetAsync(Container, name, None));
    }

    [Fact]
    public async Task ReadRangeReturnsThePartAskedForAndStopsAtTheEnd()
    {
        var data = RandomNumberGenerator.GetBytes(300_000);
        var name = $"{Prefix}pack";
        await Store.PutAsync(Container, name, data, None);

        var middle = new byte[100_000];
        Assert.Equal(middle.Length, await Store.ReadRangeAsync(Container, name, 123_456, middle, None));
        Assert.True(data.AsSpan(123_456, 100_000).SequenceEqual(middle));

        var tail = new byte[1000];
        Assert.Equal(500, await Store.ReadRangeAsync(Container, name, data.Length - 500, tail, None));
        Assert.True(data.AsSpan(data.Length - 500).SequenceEqual(tail.AsSpan(0, 500)));
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.ReadRangeAsync(Container, $"{Prefix}nothing", 0, tail, None));
    }

    [Fact]
    public async Task NamesWithSpacesAndReservedCharactersRoundTrip()
    {
        var name = $"{Prefix}dir with space/ü+%&=;,@$'!(x)~.bin";
        var data = RandomNumberGenerator.GetBytes(100);

        await Store.PutAsync(Container, name, data, None);

        AssertSameBytes(data, await Store.GetAsync(Container, name, None));
        Assert.True(await Store.ExistsAsync(Container, name, None));
        Assert.Equal([name], await ListAsync(Store, $"{Prefix}dir with space/"));
    }

    [Fact]
    public async Task PutOverwritesAnExistingObject()
    {
        var name = $"{Prefix}metadata";
        await Store.PutAsync(Container, name, RandomNumberGenerator.GetBytes(1000), None);
        var second = RandomNumberGenerator.GetBytes(10);

        await Store.PutAsync(Container, name, second, None);

        AssertSameBytes(second, await Store.GetAsync(Container, name, None));
    }

    [Fact]
    public async Task ExistsFollowsPutAndDelete()
    {
        var name = $"{Prefix}vol-1/chunk-exists";
        Assert.False(await Store.ExistsAsync(Container, name, None));

        await Store.PutAsync(Container, name, new byte[] { 42 }, None);
        Assert.True(await Store.ExistsAsync(Container, name, None));

        await Store.DeleteAsync(Container, name, None);
        Assert.False(await Store.ExistsAsync(Container, name, None));
    }

    [Fact]
    public async Task DeleteRemovesTheObjectAndGetThenReportsItMissing()
    {
        var name = $"{Prefix}vol-1/chunk-deleted";
        await Store.PutAsync(Container, name, new byte[] { 1, 2, 3 }, None);

        await Store.DeleteAsync(Container, name, None);

        await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.GetAsync(Container, name, None));
        Assert.Empty(await ListAsync(Store, $"{Prefix}vol-1/"));
    }

    [Fact]
    public async Task DeletingAMissingObjectIsNotAnError()
    {
        await Store.DeleteAsync(Container, $"{Prefix}never-written", None);
        await Store.DeleteAsync(TestRun.MissingContainer, $"{Prefix}never-written", None);
    }

    [Fact]
    public async Task GetOfAMissingObjectThrowsObjectNotFound()
    {
        var name = $"{Prefix}vol-1/never-written";

        var missing = await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.GetAsync(Container, name, None));

        Assert.Equal(Container, missing.Container);
        Assert.Equal(name, missing.ObjectName);
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.GetAsync(TestRun.MissingContainer, name, None));
    }

    [Fact]
    public async Task ListReturnsOnlyNamesUnderThePrefix()
    {
        string[] volume1 = [$"{Prefix}vol-1/0001", $"{Prefix}vol-1/0002", $"{Prefix}vol-1/sub/0003"];
        string[] others = [$"{Prefix}vol-10/0001", $"{Prefix}vol-2/0001", $"{Prefix}vol-1.meta"];
        foreach (var name in volume1.Concat(others))
        {
            await Store.PutAsync(Container, name, new byte[] { 7 }, None);
        }

        Assert.Equal(volume1.Order(StringComparer.Ordinal), await ListAsync(Store, $"{Prefix}vol-1/"));
        Assert.Equal(volume1.Concat(others).Order(StringComparer.Ordinal), await ListAsync(Store, Prefix));
        Assert.Empty(await ListAsync(Store, $"{Prefix}vol-3/"));
    }

    [Fact]
    public async Task ListWalksEveryPage()
    {
        var paged = Track(CreateStore(listPageSize: 2));
        var first = Enumerable.Range(0, 4).Select(i => $"{Prefix}backup/a-{i}").ToArray();
        var names = first.Concat(Enumerable.Range(0, 3).Select(i => $"{Prefix}backup/b-{i}")).ToArray();
        foreach (var name in names)
        {
            await paged.PutAsync(Container, name, new byte[] { (byte)name.Length }, None);
        }

        // 7 names over pages of 2, and a prefix that ends exactly on a page boundary (4 of 4).
        Assert.Equal(names, await ListAsync(paged, $"{Prefix}backup/"));
        Assert.Equal(first, await ListAsync(paged, $"{Prefix}backup/a-"));
    }

    [Fact]
    public async Task ListOfAMissingContainerIsEmpty()
    {
        Assert.Empty(await ListAsync(Store, TestRun.MissingContainer, Prefix));
    }

    [Fact]
    public async Task EnsureContainerIsIdempotentAndKeepsObjects()
    {
        var name = $"{Prefix}survivor";
        await Store.PutAsync(Container, name, new byte[] { 9 }, None);

        await Store.EnsureContainerAsync(Container, None);
        await Store.EnsureContainerAsync(Container, None);

        AssertSameBytes([9], await Store.GetAsync(Container, name, None));
    }

    [Fact]
    public async Task CheckSetupSucceedsAgainstAWorkingStore()
    {
        await Store.CheckSetupAsync(None);
    }

    [Fact]
    public async Task CheckSetupOfABrokenStoreThrowsStoreException()
    {
        var broken = Track(CreateBrokenStore());

        var failure = await Assert.ThrowsAsync<StoreException>(() => broken.CheckSetupAsync(None));

        Assert.False(string.IsNullOrWhiteSpace(failure.Message));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/absolute")]
    [InlineData("a//b")]
    [InlineData("")]
    public async Task InvalidObjectNamesAreRefused(string name)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(Container, name, new byte[] { 1 }, None));
    }

    protected T Track<T>(T store)
        where T : IObjectStore
    {
        _stores.Add(store);
        return store;
    }

    protected static async Task<List<string>> ListAsync(IObjectStore store, string prefix) =>
        await ListAsync(store, Container, prefix);

    protected static async Task<List<string>> ListAsync(IObjectStore store, string container, string prefix)
    {
        var names = new List<string>();
        await foreach (var name in store.ListAsync(container, prefix, None))
        {
            names.Add(name);
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    private static void AssertSameBytes(byte[] expected, byte[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"contents differ ({expected.Length} bytes)");
    }
}
