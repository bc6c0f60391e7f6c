namespace BackupPlatform.Data;

/// <summary>Cinder's BackupStatus values (cinder/objects/fields.py).</summary>
public static class BackupStatus
{
    public const string Creating = "creating";
    public const string Available = "available";
    public const string Deleting = "deleting";
    public const string Deleted = "deleted";
    public const string Error = "error";
    public const string Restoring = "restoring";
    public const string ErrorDeleting = "error_deleting";
}
