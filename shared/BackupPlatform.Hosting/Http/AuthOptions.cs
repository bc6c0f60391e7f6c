namespace BackupPlatform.Hosting.Http;

/// <summary>Configuration section "BackupPlatform:Auth".</summary>
public sealed class AuthOptions
{
    public const string Section = "BackupPlatform:Auth";

    /// <summary>
    /// "noauth" (development): X-Auth-Token user:project, as Cinder's noauth middleware reads it.
    /// "token" (production): X-Auth-Token is a token issued by tools/BackupPlatform.Manage, stored hashed.
    /// </summary>
    public string Mode { get; set; } = "noauth";

    public bool IsTokenMode => string.Equals(Mode, "token", StringComparison.OrdinalIgnoreCase);

    /// <summary>noauth only: unlike Cinder's noauth, only these users are administrators (../shared/CLIENT.md §5). Tokens carry their own roles.</summary>
    public List<string> AdminUsers { get; set; } = ["admin"];
}
