namespace BackupPlatform.Data;

/// <summary>
/// An API token of the "token" auth mode: only its SHA-256 is stored, so a copy of the database does
/// not hand out working tokens. Created and revoked with tools/BackupPlatform.Manage.
/// </summary>
public sealed class AuthToken
{
    /// <summary>Lower-case hex SHA-256 of the token.</summary>
    public required string TokenHash { get; set; }

    public required string UserId { get; set; }

    public required string ProjectId { get; set; }

    /// <summary>Comma-separated roles; "admin" grants Cinder's admin-only actions.</summary>
    public required string Roles { get; set; }

    public string? Description { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? ExpiresAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    public bool IsAdmin => Roles.Split(',', StringSplitOptions.TrimEntries).Contains("admin", StringComparer.Ordinal);
}
