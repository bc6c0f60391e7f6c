using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BackupPlatform.Hosting.Http;

/// <summary>
/// The /v3/{project_id} route group: every request needs an identity (401 without one), and a
/// tenant may only name its own project in the path: another project reads as 404, as Cinder
/// hides other tenants' resources. Administrators may name any project.
/// </summary>
public static class ProjectScope
{
    public static RouteGroupBuilder MapProjectScope(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v3/{project_id}");
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var options = http.RequestServices.GetRequiredService<AuthOptions>();
            var identity = await RequestIdentity.ResolveAsync(http, options);
            if (identity is null)
            {
                return CinderFault.Unauthorized(options.IsTokenMode
                    ? "The request you have made requires authentication: X-Auth-Token is missing, unknown, revoked or expired."
                    : "No project in X-Auth-Token (expected user:project).");
            }

            var project = http.GetRouteValue("project_id") as string;
            if (!identity.IsAdmin && !string.Equals(project, identity.ProjectId, StringComparison.Ordinal))
            {
                return CinderFault.NotFound();
            }

            identity.Attach(http);
            return await next(context);
        });
        return group;
    }
}
