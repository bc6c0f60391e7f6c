using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Worker;

/// <summary>Builds the configured store driver, wrapped in its retry pipeline.</summary>
public static class StoreFactory
{
    public static IObjectStore Create(StoreOptions options)
    {
        IObjectStore driver = options.Driver.ToLowerInvariant() switch
        {
            "posix" => new PosixStore(options.Posix.Path),
            "swift" => new SwiftStore(options.Swift),
            "s3" => new S3Store(options.S3),
            _ => throw new InvalidOperationException($"Unknown store driver '{options.Driver}': use posix, swift or s3."),
        };
        return new RetryingStore(driver, options.Retry);
    }
}
