using BackupPlatform.Data;
using BackupPlatform.Hosting.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackupPlatform.Api;

/// <summary>
/// Cinder's os-services admin calls for the backup hosts in the registry: list them (binary
/// cinder-backup, zone, enabled/disabled, up/down) and enable or disable one with a reason.
/// </summary>
public static class ServicesApi
{
    private const string Binary = "cinder-backup";

    public static IServiceCollection AddServicesApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(configuration.GetSection(ServiceRegistryOptions.Section).Get<ServiceRegistryOptions>() ?? new ServiceRegistryOptions());
        return services;
    }

    public static void MapServicesApi(this IEndpointRouteBuilder endpoints)
    {
        var project = endpoints.MapProjectScope();
        project.MapGet("/os-services", ListAsync);
        project.MapPut("/os-services/{action}", UpdateAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext http, BackupDbContext db, ServiceRegistryOptions registry, string? host, string? binary)
    {
        if (!RequestIdentity.Of(http).IsAdmin)
        {
            return CinderFault.Forbidden("Policy doesn't allow volume_extension:services:index to be performed.");
        }

        if (binary is not null && binary != Binary)
        {
            return Results.Json(new { services = Array.Empty<object>() });
        }

        var now = DateTime.UtcNow;
        var hosts = await db.BackupServices.AsNoTracking()
            .Where(h => host == null || h.Host == host)
            .OrderBy(h => h.Host)
            .ToListAsync(http.RequestAborted);
        return Results.Json(new { services = hosts.Select(h => View(h, registry.IsUp(h, now))) });
    }

    private static async Task<IResult> UpdateAsync(string action, HttpContext http, BackupDbContext db)
    {
        if (!RequestIdentity.Of(http).IsAdmin)
        {
            return CinderFault.Forbidden("Policy doesn't allow volume_extension:services:update to be performed.");
        }

        if (action is not ("enable" or "disable" or "disable-log-reason"))
        {
            return CinderFault.NotFound($"Unknown action {action}.");
        }

        var (body, error) = await RequestBody.ReadDocumentAsync(http.Request);
        if (error is not null)
        {
            return error;
        }

        string? invalid = null;
        if (body.ValueKind != System.Text.Json.JsonValueKind.Object
            || !body.TryGetString("host", out var hostName, out invalid) || hostName is null
            || !body.TryGetString("binary", out var binary, out invalid)
            || !body.TryGetString("disabled_reason", out var reason, out invalid))
        {
            return CinderFault.BadRequest(invalid ?? "Missing required element 'host' in request body.");
        }

        if (binary is not null && binary != Binary)
        {
            return CinderFault.NotFound($"Service {binary} on host {hostName} could not be found.");
        }

        var disable = action != "enable";
        var rows = await db.BackupServices.Where(h => h.Host == hostName).ExecuteUpdateAsync(
            s => s.SetProperty(h => h.Disabled, disable).SetProperty(h => h.DisabledReason, disable ? reason : null),
            http.RequestAborted);
        if (rows == 0)
        {
            return CinderFault.NotFound($"Service {Binary} on host {hostName} could not be found.");
        }

        var response = new Dictionary<string, object?> { ["host"] = hostName, ["binary"] = Binary, ["status"] = disable ? "disabled" : "enabled" };
        if (action == "disable-log-reason")
        {
            response["disabled_reason"] = reason;
        }

        return Results.Json(response);
    }

    private static Dictionary<string, object?> View(BackupServiceHost host, bool up) => new()
    {
        ["binary"] = Binary,
        ["host"] = host.Host,
        ["zone"] = host.AvailabilityZone,
        ["status"] = host.Disabled ? "disabled" : "enabled",
        ["state"] = up ? "up" : "down",
        ["updated_at"] = ApiTime.Format(host.LastSeen),
        ["disabled_reason"] = host.DisabledReason,
    };
}
