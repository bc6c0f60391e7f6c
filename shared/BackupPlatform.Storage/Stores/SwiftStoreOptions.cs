namespace BackupPlatform.Storage.Stores;

/// <summary>
/// Settings of the Swift driver, named after Cinder's backup_swift_* options so that an operator
/// moving a cinder.conf over finds the same knobs.
/// </summary>
public sealed class SwiftStoreOptions
{
    /// <summary>backup_swift_auth_url: tempauth's ".../auth/v1.0" for version "1", Keystone's ".../v3" for version "3".</summary>
    public string AuthUrl { get; set; } = string.Empty;

    /// <summary>backup_swift_auth_version: "1" (tempauth/swauth) or "3" (Keystone password auth).</summary>
    public string AuthVersion { get; set; } = "1";

    /// <summary>backup_swift_user: "account:user" for tempauth, the Keystone user name for version "3".</summary>
    public string User { get; set; } = string.Empty;

    /// <summary>backup_swift_key: tempauth key or Keystone password.</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>backup_swift_project (version "3" only): the project the token is scoped to.</summary>
    public string? ProjectName { get; set; }

    /// <summary>backup_swift_user_domain (version "3" only).</summary>
    public string UserDomainName { get; set; } = "Default";

    /// <summary>backup_swift_project_domain (version "3" only).</summary>
    public string ProjectDomainName { get; set; } = "Default";

    /// <summary>Which catalog endpoint of the object-store service to use (version "3"): public, internal or admin.</summary>
    public string EndpointInterface { get; set; } = "public";

    /// <summary>Region of the object-store endpoint (version "3"); null takes the first endpoint with the right interface.</summary>
    public string? Region { get; set; }

    /// <summary>backup_swift_ca_cert_file: a PEM (or DER) file with the CA(s) to trust for https, instead of the system store.</summary>
    public string? CaCertFile { get; set; }

    /// <summary>backup_swift_auth_insecure: skip TLS certificate verification (test clouds only).</summary>
    public bool AuthInsecure { get; set; }

    /// <summary>Limit for a single request, auth included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Names per listing request; Swift caps it at 10000. Smaller values only make sense in tests.</summary>
    public int ListPageSize { get; set; } = 10000;
}
