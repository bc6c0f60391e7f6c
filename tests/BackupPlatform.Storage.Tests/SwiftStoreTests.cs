using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Storage.Tests;

/// <summary>The conformance suite against the Swift API of the Swift that scripts/swift.sh starts.</summary>
public sealed class SwiftStoreTests : ObjectStoreConformanceTests
{
    private readonly string _authUrl = StoreEnvironment.Require("SWIFT_AUTH_URL");
    private readonly string _user = StoreEnvironment.Require("SWIFT_USER");
    private readonly string _key = StoreEnvironment.Require("SWIFT_KEY");

    protected override IObjectStore CreateStore(int? listPageSize) => new SwiftStore(Options(listPageSize));

    protected override IObjectStore CreateBrokenStore() =>
        new SwiftStore(new SwiftStoreOptions { AuthUrl = "http://127.0.0.1:1/auth/v1.0", User = _user, Key = _key, Timeout = TimeSpan.FromSeconds(10) });

    [Fact]
    public async Task CheckSetupNamesTheUnreachableAuthUrl()
    {
        using var store = (SwiftStore)CreateBrokenStore();

        var failure = await Assert.ThrowsAsync<StoreException>(() => store.CheckSetupAsync(None));

        Assert.StartsWith("Swift store at http://127.0.0.1:1/auth/v1.0 is unreachable: Connection refused", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckSetupWithAWrongKeyReportsTheAuthStatus()
    {
        using var store = new SwiftStore(new SwiftStoreOptions { AuthUrl = _authUrl, User = _user, Key = "wrong" });

        var failure = await Assert.ThrowsAsync<StoreException>(() => store.CheckSetupAsync(None));

        Assert.Contains("401", failure.Message, StringComparison.Ordinal);
        Assert.Contains(_authUrl, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutIntoAMissingContainerCarriesSwiftsStatusAndBody()
    {
        var failure = await Assert.ThrowsAsync<StoreException>(() => Store.PutAsync(TestRun.MissingContainer, $"{Prefix}x", new byte[] { 1 }, None));

        Assert.Contains("404 Not Found", failure.Message, StringComparison.Ordinal);
        Assert.Contains("could not be found", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContainerNamesWithASlashAreRefused()
    {
        await Assert.ThrowsAsync<StoreException>(() => Store.EnsureContainerAsync("a/b", None));
    }

    [Fact]
    public void UnsupportedAuthVersionIsRefused()
    {
        var failure = Assert.Throws<StoreException>(() => new SwiftStore(new SwiftStoreOptions { AuthUrl = _authUrl, User = _user, Key = _key, AuthVersion = "2" }));

        Assert.Contains("AuthVersion", failure.Message, StringComparison.Ordinal);
    }

    private SwiftStoreOptions Options(int? listPageSize) => new()
    {
        AuthUrl = _authUrl,
        User = _user,
        Key = _key,
        ListPageSize = listPageSize ?? 10000,
    };
}
