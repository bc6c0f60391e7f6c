namespace BackupPlatform.Storage.Tests;

/// <summary>
/// Endpoints of the loopback Swift that scripts/swift.sh starts. A missing variable fails the test:
/// a skipped or silently passing store test would hide that the drivers were never exercised.
/// </summary>
internal static class StoreEnvironment
{
    public static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"Environment variable {name} is not set. Start the test Swift first: "
                + "SWIFT_BASE=/tmp/wt-swift bash scripts/swift.sh start; set -a; . /tmp/wt-swift/env; set +a; then run dotnet test again.");
}
