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

    /// <summary>Every status Cinder knows (cinder/objects/fields.py VolumeStatus): what os-reset_status accepts.</summary>
    public static readonly string[] All =
    [
        Creating, Available, "reserved", "attaching", "detaching", InUse, "maintenance", Deleting, "awaiting-transfer", Error, "error_deleting",
        BackingUp, RestoringBackup, "error_backing-up", ErrorRestoring, "error_extending", "downloading", Uploading, "retyping", "extending",
    ];

    /// <summary>Statuses from which Cinder lets a volume be deleted.</summary>
    public static readonly string[] Deletable = [Available, InUse, Error, ErrorRestoring, "error_extending", "error_managing"];
}
