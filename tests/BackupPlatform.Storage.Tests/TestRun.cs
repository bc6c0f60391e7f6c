namespace BackupPlatform.Storage.Tests;

/// <summary>Names shared by one run of the suite, so that runs never see each other's objects.</summary>
internal static class TestRun
{
    /// <summary>Lowercase and short enough to be a valid S3 bucket name as well as a Swift container.</summary>
    public static string Container { get; } = $"bpt-{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid():N}"[..32];

    public static string MissingContainer { get; } = $"{Container}-missing";
}
