namespace BackupPlatform.Storage.Stores;

/// <summary>Settings of the S3 driver: any S3-compatible endpoint, addressed path-style.</summary>
public sealed class S3StoreOptions
{
    /// <summary>Service URL, e.g. http://127.0.0.1:58080 for Swift's s3api or https://s3.eu-west-1.amazonaws.com.</summary>
    public string Endpoint { get; set; } = string.Empty;

    /// <summary>Region the requests are signed for (SigV4); S3-compatibles mostly want us-east-1.</summary>
    public string Region { get; set; } = "us-east-1";

    public string AccessKey { get; set; } = string.Empty;

    public string SecretKey { get; set; } = string.Empty;

    /// <summary>Limit for a single request.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Keys per ListObjectsV2 request; S3 caps it at 1000. Smaller values only make sense in tests.</summary>
    public int ListPageSize { get; set; } = 1000;
}
