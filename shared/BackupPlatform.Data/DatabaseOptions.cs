namespace BackupPlatform.Data;

/// <summary>Configuration section "BackupPlatform:Database".</summary>
public sealed class DatabaseOptions
{
    public const string Section = "BackupPlatform:Database";

    /// <summary>"postgres" (production) or "sqlite" (the all-in-one's embedded default).</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Npgsql or SQLite connection string.</summary>
    public string ConnectionString { get; set; } = "Data Source=data/backupplatform.db";
}
