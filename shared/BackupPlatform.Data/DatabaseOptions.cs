namespace BackupPlatform.Data;

/// <summary>Configuration section "BackupPlatform:Database".</summary>
public sealed class DatabaseOptions
{
    public const string Section = "BackupPlatform:Database";

    /// <summary>"postgres" (production) or "sqlite" (the all-in-one's embedded default).</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Npgsql or SQLite connection string.</summary>
    public string ConnectionString { get; set; } = "Data Source=data/backupplatform.db";

    /// <summary>Who brings a PostgreSQL schema up to date: the service at its start, or a migration job.</summary>
    public SchemaMigration Migrate { get; set; } = SchemaMigration.Start;
}

/// <summary>Values of BackupPlatform:Database:Migrate.</summary>
public enum SchemaMigration
{
    /// <summary>Migrate at start, under a lock, before anything else of the service runs.</summary>
    Start,

    /// <summary>Migrate nothing: wait at start until every migration this build knows has been applied by someone else (the Helm chart's migration Job).</summary>
    Wait,

    /// <summary>Migrate, then exit without serving: the migration Job itself.</summary>
    Only,
}
