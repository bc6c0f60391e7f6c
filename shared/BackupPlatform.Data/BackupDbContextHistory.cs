namespace BackupPlatform.Data;

public static class BackupDbContextHistory
{
    /// <summary>Each context keeps its own migrations history, so the volume service's schema can move on its own.</summary>
    public const string Table = "__backup_migrations";
}
