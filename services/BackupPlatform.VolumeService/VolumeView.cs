using System.Text.Json;
using BackupPlatform.Hosting.Http;
using Microsoft.AspNetCore.Http;

namespace BackupPlatform.VolumeService;

/// <summary>
/// Cinder's volume detail view (api-ref volumes-v3-volumes.inc), with the fields a backup workflow and its
/// clients read; the admin attributes (os-vol-*) only on show and detail list, as Cinder's extensions add
/// them (tempest's create and update schemas refuse them).
/// </summary>
public static class VolumeView
{
    public static Dictionary<string, object?> Detail(Volume volume, HttpRequest request, bool isAdmin)
    {
        var view = new Dictionary<string, object?>
        {
            ["id"] = volume.Id,
            ["name"] = volume.Name,
            ["description"] = volume.Description,
            ["status"] = volume.Status,
            ["size"] = volume.Size,
            ["availability_zone"] = volume.AvailabilityZone,
            ["created_at"] = ApiTime.Format(volume.CreatedAt),
            ["updated_at"] = ApiTime.Format(volume.UpdatedAt),
            ["attachments"] = Array.Empty<object>(),
            ["bootable"] = "false",
            ["encrypted"] = false,
            ["metadata"] = volume.Metadata is null ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(volume.Metadata),
            ["multiattach"] = false,
            ["snapshot_id"] = null,
            ["source_volid"] = null,
            ["volume_type"] = "__DEFAULT__",
            ["user_id"] = volume.UserId,
            ["consistencygroup_id"] = null,
            ["migration_status"] = null,
            ["replication_status"] = null,
            ["links"] = Links(volume, request),
        };
        if (isAdmin)
        {
            view["os-vol-tenant-attr:tenant_id"] = volume.ProjectId;
            // Cinder's host@backend#pool: the reference service is one backend, "file", of one pool.
            view["os-vol-host-attr:host"] = volume.Host.Contains('@', StringComparison.Ordinal) ? volume.Host : $"{volume.Host}@file#file";
            view["os-vol-mig-status-attr:migstat"] = null;
            view["os-vol-mig-status-attr:name_id"] = null;
        }

        return view;
    }

    public static Dictionary<string, object?> Summary(Volume volume, HttpRequest request) => new()
    {
        ["id"] = volume.Id,
        ["name"] = volume.Name,
        ["links"] = Links(volume, request),
    };

    private static object[] Links(Volume volume, HttpRequest request)
    {
        var root = $"{request.Scheme}://{request.Host}";
        return
        [
            new Dictionary<string, string> { ["href"] = $"{root}/v3/{volume.ProjectId}/volumes/{volume.Id}", ["rel"] = "self" },
            new Dictionary<string, string> { ["href"] = $"{root}/{volume.ProjectId}/volumes/{volume.Id}", ["rel"] = "bookmark" },
        ];
    }
}
