namespace BackupPlatform.VolumeService;

/// <summary>Cinder's snapshot statuses used here.</summary>
public static class SnapshotStatus
{
    public const string Creating = "creating";
    public const string Available = "available";
    public const string BackingUp = "backing-up";
    public const string Deleting = "deleting";
    public const string Error = "error";
}
