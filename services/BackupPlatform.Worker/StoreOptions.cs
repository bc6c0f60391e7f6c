using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Worker;

/// <summary>Configuration section "BackupPlatform:Store": which store this worker writes to.</summary>
public sealed class StoreOptions
{
    public const string Section = "BackupPlatform:Store";

    /// <summary>"posix" (a directory, NFS or GlusterFS mount), "swift" or "s3".</summary>
    public string Driver { get; set; } = "posix";

    /// <summary>The container a backup goes to when the tenant names none (Cinder's backup_container).</summary>
    public string DefaultContainer { get; set; } = "volumebackups";

    /// <summary>Retries of failed store requests (Cinder's backup_swift_retry_attempts / _backoff).</summary>
    public RetryOptions Retry { get; set; } = new();

    public PosixOptions Posix { get; set; } = new();

    /// <summary>Section "BackupPlatform:Store:Swift": AuthUrl, AuthVersion (1 tempauth, 3 Keystone), User, Key, ProjectName, CaCertFile, AuthInsecure, ...</summary>
    public SwiftStoreOptions Swift { get; set; } = new();

    /// <summary>Section "BackupPlatform:Store:S3": Endpoint, Region, AccessKey, SecretKey (path-style).</summary>
    public S3StoreOptions S3 { get; set; } = new();

    public sealed class PosixOptions
    {
        /// <summary>Cinder's backup_posix_path.</summary>
        public string Path { get; set; } = "data/backups";
    }
}
