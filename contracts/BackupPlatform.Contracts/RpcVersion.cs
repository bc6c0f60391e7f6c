namespace BackupPlatform.Contracts;

/// <summary>
/// The RPC version every command carries, as Cinder's backup RPC API carries RPC_API_VERSION.
/// The namespace holds the major (…Backup.V2); additive changes bump the minor only.
/// </summary>
public static class RpcVersion
{
    public const int Major = 2;
    /// <summary>2.1: backup commands carry an optional OperationId.</summary>
    public const int Minor = 1;
    public const string Current = "2.1";

    /// <summary>True when <paramref name="targetVersion"/> is "2.x": a consumer of this major can serve it.</summary>
    public static bool IsSupported(string? targetVersion, out string reason)
    {
        var parts = (targetVersion ?? string.Empty).Split('.');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var major) || !int.TryParse(parts[1], out _))
        {
            reason = $"Malformed RPC target version '{targetVersion}': expected MAJOR.MINOR.";
            return false;
        }

        if (major != Major)
        {
            reason = $"Unsupported RPC target version {targetVersion}: this service speaks {Major}.x (up to {Current}).";
            return false;
        }

        reason = string.Empty;
        return true;
    }
}
