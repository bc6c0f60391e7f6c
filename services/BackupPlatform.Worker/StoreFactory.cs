using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Worker;

/// <summary>Builds the configured store driver.</summary>
public static class StoreFactory
{
    public static IObjectStore Create(StoreOptions options) => options.Driver.ToLowerInvariant() switch
    {
        "posix" => new PosixStore(options.Posix.Path),
        _ => throw new InvalidOperationException($"Unknown store driver '{options.Driver}': use posix."),
    };
}
