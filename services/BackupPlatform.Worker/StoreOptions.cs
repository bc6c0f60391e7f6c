namespace BackupPlatform.Worker;

/// <summary>Configuration section "BackupPlatform:Store": which store this worker writes to.</summary>
public sealed class StoreOptions
{
    public const string Section = "BackupPlatform:Store";

    /// <summary>"posix" (a directory, NFS or GlusterFS mount).</summary>
    public string Driver { get; set; } = "posix";

    /// <summary>The container a backup goes to when the tenant names none (Cinder's backup_container).</summary>
    public string DefaultContainer { get; set; } = "volumebackups";

    public PosixOptions Posix { get; set; } = new();

    public sealed class PosixOptions
    {
        /// <summary>Cinder's backup_posix_path.</summary>
        public string Path { get; set; } = "data/backups";
    }
}
