using BackupPlatform.Storage.Stores;

namespace BackupPlatform.IntegrationTests;

/// <summary>The real Swift scripts/infra.sh starts, as workers reach it (through a <see cref="TcpProxy"/> a test can close) and as tests read it.</summary>
public static class SwiftServer
{
    public static Uri AuthUrl { get; } = new(Environment.GetEnvironmentVariable("SWIFT_AUTH_URL")
        ?? throw new InvalidOperationException("SWIFT_AUTH_URL is not set: run the suite with scripts/test.sh (or source $INFRA_RUN/env)."));

    public static int Port => AuthUrl.Port;

    /// <summary>Worker settings for a Swift store reached through the proxy listening on <paramref name="proxyPort"/>.</summary>
    public static string[] WorkerArgs(int proxyPort, string container, int retryAttempts) =>
    [
        "--BackupPlatform:Store:Driver=swift",
        $"--BackupPlatform:Store:Swift:AuthUrl=http://127.0.0.1:{proxyPort}{AuthUrl.AbsolutePath}",
        $"--BackupPlatform:Store:Swift:User={Environment.GetEnvironmentVariable("SWIFT_USER")}",
        $"--BackupPlatform:Store:Swift:Key={Environment.GetEnvironmentVariable("SWIFT_KEY")}",
        $"--BackupPlatform:Store:DefaultContainer={container}",
        $"--BackupPlatform:Store:Retry:Attempts={retryAttempts}",
        "--BackupPlatform:Store:Retry:Backoff=00:00:00.2",
    ];

    /// <summary>A client of the store itself, bypassing any proxy, to see which objects are there.</summary>
    public static SwiftStore Store() =>
        new(new SwiftStoreOptions { AuthUrl = AuthUrl.ToString(), User = Environment.GetEnvironmentVariable("SWIFT_USER")!, Key = Environment.GetEnvironmentVariable("SWIFT_KEY")! });
}
