namespace BackupPlatform.Hosting.Http;

/// <summary>Configuration section "BackupPlatform:Auth".</summary>
public sealed class AuthOptions
{
    public const string Section = "BackupPlatform:Auth";

    /// <summary>"noauth": X-Auth-Token user:project, as Cinder's noauth middleware reads it.</summary>
    public string Mode { get; set; } = "noauth";

    /// <summary>Unlike Cinder's noauth, only these users are administrators (../shared/CLIENT.md §5).</summary>
    public List<string> AdminUsers { get; set; } = ["admin"];
}
