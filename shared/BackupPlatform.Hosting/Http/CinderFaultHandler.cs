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
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("BackupPlatform.Faults")
                .LogError(feature?.Error, "Unhandled failure on {Method} {Path}", context.Request.Method, feature?.Path);
            await CinderFault.Fault("computeFault", StatusCodes.Status500InternalServerError, "The server has either erred or is incapable of performing the requested operation.")
                .ExecuteAsync(context);
        }));
}
