using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BackupPlatform.Hosting;

/// <summary>
/// /alive answers while the process runs (liveness); /health answers 200 only when what the service
/// needs is reachable: its database, its bus (MassTransit's own check) and, for a worker, its store.
/// </summary>
public static class Health
{
    public const string ReadyTag = "ready";

    /// <summary>Once per context, however many of the services sharing a process register it (the all-in-one).</summary>
    public static IServiceCollection AddDatabaseHealth<TContext>(this IServiceCollection services, string name)
        where TContext : DbContext
    {
        if (services.Any(d => d.ServiceType == typeof(DatabaseHealthCheck<TContext>)))
        {
            return services;
        }

        services.AddSingleton<DatabaseHealthCheck<TContext>>();
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            name,
            sp => sp.GetRequiredService<DatabaseHealthCheck<TContext>>(),
            HealthStatus.Unhealthy,
            [ReadyTag]));
        return services;
    }

    public static void MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health", new HealthCheckOptions
        {
            // MassTransit tags its bus check "ready" too.
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteAsync,
        });
    }

    private static Task WriteAsync(Microsoft.AspNetCore.Http.HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return System.Text.Json.JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description ?? e.Value.Exception?.Message }),
        });
    }

    private sealed class DatabaseHealthCheck<TContext>(IServiceScopeFactory scopes) : IHealthCheck
        where TContext : DbContext
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            await using var scope = scopes.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<TContext>().Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy("database reachable")
                : HealthCheckResult.Unhealthy("database unreachable");
        }
    }
}
