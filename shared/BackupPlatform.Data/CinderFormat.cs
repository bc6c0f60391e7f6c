namespace BackupPlatform.Data;

/// <summary>
/// Backups made by OpenStack Cinder's chunked drivers and imported with Cinder's own export record:
/// their data stays where Cinder wrote it, in Cinder's format, which the worker restores but never
/// extends or deletes (docs/cinder-format.md). Such a row keeps Cinder's service_metadata, the prefix
/// of its objects; BackupPlatform's own rows hold a JSON object there.
/// </summary>
public static class CinderFormat
{
    private const string DriverPrefix = "cinder.backup.drivers.";

    /// <summary>Cinder's backup_service names (module, or module.Class since Queens) to the store driver that reads their data.</summary>
    private static readonly Dictionary<string, string> Drivers = new(StringComparer.Ordinal)
    {
        ["posix"] = "posix",
        ["posix.PosixBackupDriver"] = "posix",
        // An NFS share is mounted and read as a directory, like Cinder's NFS driver does (a posix driver underneath).
        ["nfs"] = "posix",
        ["nfs.NFSBackupDriver"] = "posix",
        ["swift"] = "swift",
        ["swift.SwiftBackupDriver"] = "swift",
        ["s3"] = "s3",
        ["s3.S3BackupDriver"] = "s3",
    };

    /// <summary>True for a Cinder object prefix ("volume_&lt;id&gt;_&lt;time&gt;_backup_&lt;id&gt;", "volume_&lt;id&gt;/&lt;time&gt;/az_…"), false for BackupPlatform's own JSON.</summary>
    public static bool IsCinderChunked(string? serviceMetadata) =>
        !string.IsNullOrWhiteSpace(serviceMetadata) && serviceMetadata.TrimStart()[0] != '{';

    /// <summary>The store driver ("posix", "swift", "s3") that reads a Cinder backup_service's data; null for a service whose format is not Cinder's chunked one.</summary>
    public static string? StoreFor(string backupService) =>
        backupService.StartsWith(DriverPrefix, StringComparison.Ordinal) && Drivers.TryGetValue(backupService[DriverPrefix.Length..], out var store) ? store : null;
}
