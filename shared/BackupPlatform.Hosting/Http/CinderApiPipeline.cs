using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BackupPlatform.Hosting.Http;

/// <summary>
/// What every Cinder v3 request goes through before its endpoint: a request id, microversion negotiation (the
/// answer header on every /v3 response, faults included), the project-less URL form (3.67) turned
/// into the classic one, and Cinder's fault body on every error the framework itself answers
/// (unknown route, wrong method, a body Kestrel refused).
/// </summary>
public static class CinderApiPipeline
{
    /// <summary>The collections that may follow /v3 directly (project-less form); anything else in that place is a project id.</summary>
    private static readonly HashSet<string> ProjectlessCollections = new(StringComparer.Ordinal)
    {
        "backups", "volumes", "snapshots", "os-services", "os-quota-sets", "limits", "types", "os-availability-zone", "extensions",
    };

    /// <summary>Call instead of UseCinderFaults on a host that serves /v3; it also places routing after the URL rewrite.</summary>
    public static WebApplication UseCinderApi(this WebApplication app)
    {
        app.UseCinderFaults();
        app.Use(NegotiateAsync);
        app.UseStatusCodePages(WriteFaultAsync);
        app.UseRouting();
        return app;
    }

    /// <summary>Unknown routes answer itemNotFound, as Cinder's router does. Map it last.</summary>
    public static void MapCinderFallback(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapFallback(() => CinderFault.NotFound());

    private static async Task NegotiateAsync(HttpContext http, Func<Task> next)
    {
        // oslo's request-id middleware: cinderclient logs x-compute-request-id and forwards x-openstack-request-id as its global id.
        var requestId = $"req-{Guid.NewGuid()}";
        http.Response.OnStarting(() =>
        {
            http.Response.Headers["x-openstack-request-id"] = requestId;
            http.Response.Headers["x-compute-request-id"] = requestId;
            return Task.CompletedTask;
        });
        var path = http.Request.Path;
        if (!path.StartsWithSegments("/v3", StringComparison.Ordinal, out var rest))
        {
            await next();
            return;
        }

        var (version, error) = ApiVersion.Negotiate(http.Request);
        version.Attach(http);
        http.Response.OnStarting(() =>
        {
            http.Response.Headers[ApiVersion.Header] = $"volume {ApiVersion.Of(http)}";
            http.Response.Headers.Append("Vary", ApiVersion.Header);
            return Task.CompletedTask;
        });
        if (error is not null)
        {
            await error.ExecuteAsync(http);
            return;
        }

        if (QueryRefusal(http.Request.Query) is { } refusal)
        {
            await CinderFault.BadRequest(refusal).ExecuteAsync(http);
            return;
        }

        var segments = rest.Value?.Split('/', 3, StringSplitOptions.None) ?? [];
        if (segments.Length >= 2 && ProjectlessCollections.Contains(segments[1]))
        {
            // Cinder routes /v3/backups/... to the same controller as /v3/{project}/backups/...; the project is the caller's.
            // In token mode the token is opaque: its project comes from the token table, never from its text
            // (which would also have put the secret into the rewritten path, and so into every request log).
            var options = http.RequestServices.GetRequiredService<AuthOptions>();
            var identity = await RequestIdentity.ResolveAsync(http, options);
            if (identity is null)
            {
                await CinderFault.Unauthorized(options.IsTokenMode
                    ? "The request you have made requires authentication: X-Auth-Token is missing, unknown, revoked or expired."
                    : "No project in X-Auth-Token (expected user:project).").ExecuteAsync(http);
                return;
            }

            http.Request.Path = new PathString($"/v3/{Uri.EscapeDataString(identity.ProjectId)}").Add(rest);
        }

        await next();
    }

    /// <summary>More query values than any Cinder call uses: every list an endpoint builds from the query stays this small.</summary>
    public const int MaxQueryValues = 64;

    /// <summary>The query, checked once for every endpoint: bounded in count, and (as decoded) valid Unicode.</summary>
    private static string? QueryRefusal(IQueryCollection query)
    {
        if (query.Sum(q => q.Value.Count) > MaxQueryValues)
        {
            return $"Invalid input received: more than {MaxQueryValues} query parameters.";
        }

        foreach (var (key, values) in query)
        {
            if (!RequestBody.IsValidText(key) || values.Any(v => v is not null && !RequestBody.IsValidText(v)))
            {
                return "Invalid input received: a query parameter is not valid Unicode.";
            }
        }

        return null;
    }

    private static async Task WriteFaultAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var fault = http.Response.StatusCode switch
        {
            StatusCodes.Status400BadRequest => CinderFault.BadRequest("The request could not be understood: a parameter is malformed."),
            StatusCodes.Status404NotFound => CinderFault.NotFound(),
            StatusCodes.Status405MethodNotAllowed => CinderFault.Fault("badMethod", StatusCodes.Status405MethodNotAllowed, "The method is not allowed for this resource."),
            StatusCodes.Status413PayloadTooLarge => CinderFault.OverLimit("Request is too large."),
            StatusCodes.Status415UnsupportedMediaType => CinderFault.Fault("badMediaType", StatusCodes.Status415UnsupportedMediaType, "Unsupported Content-Type"),
            _ => null,
        };
        if (fault is not null)
        {
            await fault.ExecuteAsync(http);
        }
    }
}
