using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Storage.Tests;

/// <summary>The conformance suite against the S3 API (s3api) of the Swift that scripts/swift.sh starts.</summary>
public sealed class S3StoreTests : ObjectStoreConformanceTests
{
    private readonly string _endpoint = StoreEnvironment.Require("S3_ENDPOINT");
    private readonly string _accessKey = StoreEnvironment.Require("S3_ACCESS_KEY");
    private readonly string _secretKey = StoreEnvironment.Require("S3_SECRET_KEY");
    private readonly string _region = StoreEnvironment.Require("S3_REGION");

    protected override IObjectStore CreateStore(int? listPageSize) => new S3Store(Options(_endpoint, _secretKey, listPageSize));

    protected override IObjectStore CreateBrokenStore() => new S3Store(Options("http://127.0.0.1:1", _secretKey, null));

    [Fact]
    public async Task CheckSetupNamesTheUnreachableEndpoint()
    {
        using var store = (S3Store)CreateBrokenStore();

        var failure = await Assert.ThrowsAsync<StoreException>(() => store.CheckSetupAsync(None));

        Assert.StartsWith("S3 store at http://127.0.0.1:1 is unreachable: Connection refused", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckSetupWithAWrongSecretReportsTheStatus()
    {
        using var store = new S3Store(Options(_endpoint, "wrong", null));

        var failure = await Assert.ThrowsAsync<StoreException>(() => store.CheckSetupAsync(None));

        Assert.Contains("403", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutIntoAMissingBucketCarriesTheS3Error()
    {
        var failure = await Assert.ThrowsAsync<StoreException>(() => Store.PutAsync(TestRun.MissingContainer, $"{Prefix}x", new byte[] { 1 }, None));

        Assert.Contains("404", failure.Message, StringComparison.Ordinal);
        Assert.Contains("NoSuchBucket", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("c1")]
    [InlineData("Backups")]
    [InlineData("under_score")]
    [InlineData("-dash")]
    [InlineData("192.168.1.10")]
    public async Task ContainersThatAreNoValidBucketNamesAreRefusedClearly(string container)
    {
        var failure = await Assert.ThrowsAsync<StoreException>(() => Store.EnsureContainerAsync(container, None));

        Assert.Contains("not a valid S3 bucket name", failure.Message, StringComparison.Ordinal);
    }

    private S3StoreOptions Options(string endpoint, string secretKey, int? listPageSize) => new()
    {
        Endpoint = endpoint,
        AccessKey = _accessKey,
        SecretKey = secretKey,
        Region = _region,
        Timeout = TimeSpan.FromSeconds(30),
        ListPageSize = listPageSize ?? 1000,
    };
}
