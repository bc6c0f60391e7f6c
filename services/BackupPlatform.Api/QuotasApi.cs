using System.Text.Json;
using BackupPlatform.Data;
using BackupPlatform.Hosting.Http;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Api;

/// <summary>
/// Cinder's os-quota-sets and limits, for the resources this service owns (backups, backup_gigabytes).
/// The volume resources belong to the volume service and are reported unlimited (-1) here.
/// Anyone may read their own project's quotas; reading another's and every change are admin only.
/// </summary>
public static class QuotasApi
{
    private static readonly string[] VolumeResources = ["volumes", "snapshots", "gigabytes", "per_volume_gigabytes", "groups"];

    public static void MapQuotasApi(this IEndpointRouteBuilder endpoints)
    {
        var project = endpoints.MapProjectScope();
        project.MapGet("/os-quota-sets/{target}", ShowAsync);
        project.MapGet("/os-quota-sets/{target}/defaults", DefaultsAsync);
        project.MapPut("/os-quota-sets/{target}", UpdateAsync);
        project.MapDelete("/os-quota-sets/{target}", DeleteAsync);
        project.MapGet("/limits", LimitsAsync);
    }

    private static async Task<IResult> ShowAsync(string target, HttpContext http, BackupDbContext db, QuotaOptions defaults)
    {
        var identity = RequestIdentity.Of(http);
        if (!identity.IsAdmin && target != identity.ProjectId)
        {
            return CinderFault.Forbidden("Policy doesn't allow volume_extension:quotas:show to be performed.");
        }

        var limits = await Quotas.LimitsAsync(db, target, defaults, http.RequestAborted);
        if (!IsTrue(http.Request.Query["usage"]))
        {
            return QuotaSet(target, limits.ToDictionary(l => l.Key, l => (object)l.Value));
        }

        var usage = await Quotas.UsageAsync(db, target, http.RequestAborted);
        return QuotaSet(target, limits.ToDictionary(l => l.Key, l => (object)new { limit = l.Value, in_use = usage[l.Key], reserved = 0 }), new { limit = -1, in_use = 0, reserved = 0 });
    }

    private static IResult DefaultsAsync(string target, QuotaOptions defaults) =>
        QuotaSet(target, Quotas.Defaults(defaults).ToDictionary(l => l.Key, l => (object)l.Value));

    private static async Task<IResult> UpdateAsync(string target, HttpContext http, BackupDbContext db, QuotaOptions defaults)
    {
        if (!RequestIdentity.Of(http).IsAdmin)
        {
            return CinderFault.Forbidden("Policy doesn't allow volume_extension:quotas:update to be performed.");
        }

        var (body, error) = await RequestBody.ReadAsync(http.Request, "quota_set");
        if (error is not null)
        {
            return error;
        }

        var changes = new Dictionary<string, int>();
        foreach (var property in body.EnumerateObject())
        {
            if (property.Name is "id" or "tenant_id")
            {
                continue;
            }

            if (!Quotas.Resources.Contains(property.Name))
            {
                return CinderFault.BadRequest(VolumeResources.Contains(property.Name)
                    ? $"Quota for {property.Name} is kept by the volume service, not by the backup service."
                    : $"Bad key(s) in quota set: {property.Name}");
            }

            if (!TryLimit(property.Value, out var limit))
            {
                return CinderFault.BadRequest($"Invalid input for field/attribute {property.Name}. Value: {property.Value}. Quota limits must be integers of -1 or more.");
            }

            changes[property.Name] = limit;
        }

        var usage = await Quotas.UsageAsync(db, target, http.RequestAborted);
        foreach (var (resource, limit) in changes)
        {
            if (limit >= 0 && limit < usage[resource])
            {
                return CinderFault.BadRequest($"Invalid input received: Quota {resource} limit must be equal or greater than existing resources. Current usage is {usage[resource]} and the requested limit is {limit}.");
            }
        }

        var now = DateTime.UtcNow;
        foreach (var (resource, limit) in changes)
        {
            var row = await db.QuotaLimits.SingleOrDefaultAsync(q => q.ProjectId == target && q.Resource == resource, http.RequestAborted);
            if (row is null)
            {
                db.QuotaLimits.Add(new QuotaLimit { ProjectId = target, Resource = resource, HardLimit = limit, UpdatedAt = now });
            }
            else
            {
                row.HardLimit = limit;
                row.UpdatedAt = now;
            }
        }

        await db.SaveChangesAsync(http.RequestAborted);
        var limits = await Quotas.LimitsAsync(db, target, defaults, http.RequestAborted);
        return Results.Json(new { quota_set = Values(limits.ToDictionary(l => l.Key, l => (object)l.Value), -1) });
    }

    private static async Task<IResult> DeleteAsync(string target, HttpContext http, BackupDbContext db)
    {
        if (!RequestIdentity.Of(http).IsAdmin)
        {
            return CinderFault.Forbidden("Policy doesn't allow volume_extension:quotas:delete to be performed.");
        }

        await db.QuotaLimits.Where(q => q.ProjectId == target).ExecuteDeleteAsync(http.RequestAborted);
        return Results.Ok();
    }

    private static async Task<IResult> LimitsAsync(string project_id, HttpContext http, BackupDbContext db, QuotaOptions defaults)
    {
        var limits = await Quotas.LimitsAsync(db, project_id, defaults, http.RequestAborted);
        var usage = await Quotas.UsageAsync(db, project_id, http.RequestAborted);
        return Results.Json(new
        {
            limits = new
            {
                rate = Array.Empty<object>(),
                absolute = new
                {
                    maxTotalBackups = limits[QuotaResources.Backups],
                    maxTotalBackupGigabytes = limits[QuotaResources.BackupGigabytes],
                    totalBackupsUsed = usage[QuotaResources.Backups],
                    totalBackupGigabytesUsed = usage[QuotaResources.BackupGigabytes],
                },
            },
        });
    }

    private static IResult QuotaSet(string target, Dictionary<string, object> values, object? unmanaged = null)
    {
        var set = Values(values, unmanaged ?? -1);
        set["id"] = target;
        return Results.Json(new { quota_set = set });
    }

    private static Dictionary<string, object> Values(Dictionary<string, object> values, object unmanaged)
    {
        var set = new Dictionary<string, object>();
        foreach (var resource in VolumeResources)
        {
            set[resource] = unmanaged;
        }

        foreach (var (resource, value) in values)
        {
            set[resource] = value;
        }

        return set;
    }

    private static bool TryLimit(JsonElement value, out int limit)
    {
        // cinderclient sends integers; openstackclient may send them as strings.
        limit = 0;
        var parsed = value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt32(out limit),
            JsonValueKind.String => int.TryParse(value.GetString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out limit),
            _ => false,
        };
        return parsed && limit >= -1;
    }

    private static bool IsTrue(string? value) =>
        value is not null && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1");
}
