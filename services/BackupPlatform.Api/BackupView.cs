using BackupPlatform.Data;
using BackupPlatform.Hosting.Http;

namespace BackupPlatform.Api;

/// <summary>
/// Cinder's backup views (cinder/api/views/backups.py, v3/views/backups.py): summary and detail, with
/// exactly their fields; the detail grows with the microversion, and shows owner fields to administrators only.
/// </summary>
public static class BackupView
{
    public static Dictionary<string, object?> Summary(Backup backup, HttpRequest request) => new()
    {
        ["id"] = backup.Id,
        ["name"] = backup.DisplayName,
        ["links"] = Links(backup, request),
    };

    public static Dictionary<string, object?> Detail(Backup backup, HttpRequest request, ApiVersion version, bool isAdmin)
    {
        var view = Detail(backup, request);
        if (version >= ApiVersion.BackupProjectAttribute && isAdmin)
        {
            view["os-backup-project-attr:project_id"] = backup.ProjectId;
        }

        if (version >= ApiVersion.BackupMetadata)
        {
            view["metadata"] = CinderMetadata.View(backup.Metadata);
        }

        if (version >= ApiVersion.BackupUserId && isAdmin)
        {
            view["user_id"] = backup.UserId;
        }

        return view;
    }

    private static Dictionary<string, object?> Detail(Backup backup, HttpRequest request) => new()
    {
        ["id"] = backup.Id,
        ["name"] = backup.DisplayName,
        ["description"] = backup.DisplayDescription,
        ["status"] = backup.Status,
        ["size"] = backup.Size,
        ["object_count"] = backup.ObjectCount,
        ["availability_zone"] = backup.AvailabilityZone,
        ["container"] = backup.Container,
        ["volume_id"] = backup.VolumeId,
        ["snapshot_id"] = backup.SnapshotId,
        ["is_incremental"] = backup.ParentId is not null,
        ["has_dependent_backups"] = backup.NumDependentBackups > 0,
        ["fail_reason"] = backup.FailReason,
        ["created_at"] = ApiTime.Format(backup.CreatedAt),
        ["updated_at"] = ApiTime.Format(backup.UpdatedAt),
        ["data_timestamp"] = ApiTime.Format(backup.DataTimestamp),
        ["links"] = Links(backup, request),
    };

    private static object[] Links(Backup backup, HttpRequest request)
    {
        var root = $"{request.Scheme}://{request.Host}";
        return
        [
            new Dictionary<string, string> { ["href"] = $"{root}/v3/{backup.ProjectId}/backups/{backup.Id}", ["rel"] = "self" },
            new Dictionary<string, string> { ["href"] = $"{root}/{backup.ProjectId}/backups/{backup.Id}", ["rel"] = "bookmark" },
        ];
    }
}
