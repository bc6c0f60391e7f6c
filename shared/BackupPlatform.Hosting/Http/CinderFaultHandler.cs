using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackupPlatform.Hosting.Http;

/// <summary>
/// An unexpected failure answers with Cinder's generic computeFault body rather than an empty 500,
/// and is logged with the request it broke. Bad input never reaches here: endpoints answer it with 4xx.
/// </summary>
public static class CinderFaultHandler
{
    public static IApplicationBuilder UseCinderFaults(this IApplicationBuilder app) =>
        app.UseExceptionHandler(errors => errors.Run(async context =>
        {
            var feature = context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerPathFeature>();
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("BackupPlatform.Faults");
            if (IsDatabaseOverloaded(feature?.Error))
            {
                // Nothing was committed and trying again is right: Cinder's 503, not an "erred" 500.
                logger.LogWarning(feature?.Error, "Database unavailable on {Method} {Path}", context.Request.Method, feature?.Path);
                context.Response.Headers.RetryAfter = "1";
                await CinderFault.ServiceUnavailable("The database is busy or unreachable; nothing was changed. Retry the request.").ExecuteAsync(context);
                return;
            }

            logger.LogError(feature?.Error, "Unhandled failure on {Method} {Path}", context.Request.Method, feature?.Path);
            await CinderFault.Fault("computeFault", StatusCodes.Status500InternalServerError, "The server has either erred or is incapable of performing the requested operation.")
                .ExecuteAsync(context);
        }));

    /// <summary>A transient database failure (connection refused or exhausted, too many clients, a timeout), however wrapped.</summary>
    private static bool IsDatabaseOverloaded(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is Npgsql.PostgresException { SqlState: "53300" or "57P03" } or Npgsql.NpgsqlException { IsTransient: true })
            {
                return true;
            }
        }

        return false;
    }
}
