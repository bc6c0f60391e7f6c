using BackupPlatform.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BackupPlatform.Hosting.Http;

/// <summary>
/// Who is calling. In "noauth" mode read from X-Auth-Token "user:project" (or X-User-Id / X-Project-Id),
/// as cinderclient's noauth plugin sends them; in "token" mode X-Auth-Token is an opaque token looked up
/// (hashed) in the database, which gives the user, project and roles.
/// </summary>
public sealed record RequestIdentity(string UserId, string ProjectId, bool IsAdmin)
{
    private const string ItemKey = "BackupPlatform.Identity";

    public static async Task<RequestIdentity?> ResolveAsync(HttpContext context, AuthOptions options)
    {
        if (!options.IsTokenMode)
        {
            return Read(context, options);
        }

        var secret = context.Request.Headers["X-Auth-Token"].ToString();
        if (string.IsNullOrEmpty(secret))
        {
            return null;
        }

        var db = context.RequestServices.GetRequiredService<BackupDbContext>();
        var token = await AuthTokens.FindAsync(db, secret, context.RequestAborted);
        return token is null ? null : new RequestIdentity(token.UserId, token.ProjectId, token.IsAdmin);
    }

    public static RequestIdentity? Read(HttpContext context, AuthOptions options)
    {
        var headers = context.Request.Headers;
        string user, project;
        var token = headers["X-Auth-Token"].ToString();
        if (!string.IsNullOrEmpty(token))
        {
            var colon = token.IndexOf(':', StringComparison.Ordinal);
            user = colon < 0 ? token : token[..colon];
            project = colon < 0 ? token : token[(colon + 1)..];
        }
        else
        {
            user = headers["X-User-Id"].ToString();
            project = headers["X-Project-Id"].ToString();
        }

        if (string.IsNullOrEmpty(project))
        {
            return null;
        }

        return new RequestIdentity(user, project, options.AdminUsers.Contains(user, StringComparer.Ordinal));
    }

    public static RequestIdentity Of(HttpContext context) =>
        context.Items[ItemKey] as RequestIdentity ?? throw new InvalidOperationException("No identity: the endpoint is outside the authenticated group.");

    internal void Attach(HttpContext context) => context.Items[ItemKey] = this;
}
