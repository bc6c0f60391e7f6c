using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Storage.Tests.Engine;

/// <summary>The engine against the S3 API (s3api) of the test Swift.</summary>
public sealed class S3EngineTests : EngineTests
{
    protected override IObjectStore CreateStore() => new S3Store(new S3StoreOptions
    {
        Endpoint = StoreEnvironment.Require("S3_ENDPOINT"),
        AccessKey = StoreEnvironment.Require("S3_ACCESS_KEY"),
        SecretKey = StoreEnvironment.Require("S3_SECRET_KEY"),
        Region = StoreEnvironment.Require("S3_REGION"),
    });
}
