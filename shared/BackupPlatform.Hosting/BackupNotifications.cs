using BackupPlatform.Contracts.Backup.V2;
using BackupPlatform.Data;

namespace BackupPlatform.Hosting;

/// <summary>Cinder's backup notification payload (_usage_from_backup) from a backup row.</summary>
public static class BackupNotifications
{
    public static BackupNotification Of(Backup backup, string eventType, int? percent = null) => new()
    {
        EventType = eventType,
        BackupId = backup.Id,
        TenantId = backup.ProjectId,
        UserId = backup.UserId,
        DisplayName = backup.DisplayName,
        AvailabilityZone = backup.AvailabilityZone,
        Host = backup.Host,
        VolumeId = backup.VolumeId,
        SnapshotId = backup.SnapshotId,
        Status = backup.Status,
        Size = backup.Size,
        Service = backup.Service,
        ServiceMetadata = backup.ServiceMetadata,
        FailReason = backup.FailReason,
        CreatedAt = backup.CreatedAt,
        Percent = percent,
        Timestamp = DateTime.UtcNow,
    };
}
