namespace BackupPlatform.VolumeService;

/// <summary>The volume statuses this service uses, with Cinder's names (cinder/objects/fields.py).</summary>
public static class VolumeStatus
{
    public const string Creating = "creating";
    public const string Available = "available";
    public const string InUse = "in-use";
    public const string Deleting = "deleting";
    public const string Error = "error";
    public const string BackingUp = "backing-up";
    public const string RestoringBackup = "restoring-backup";
    public const string ErrorRestoring = "error_restoring";
    public const string Uploading = "uploading";

    /// <summary>Statuses from which Cinder lets a volume be deleted.</summary>
    public static readonly string[] Deletable = [Available, InUse, Error, ErrorRestoring, "error_extending", "error_managing"];
}
