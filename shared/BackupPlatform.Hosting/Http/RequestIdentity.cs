using Microsoft.AspNetCore.Http;

namespace BackupPlatform.Hosting.Http;

/// <summary>Who is calling: read from X-Auth-Token "user:project" (or X-User-Id / X-Project-Id), as cinderclient's noauth plugin sends them.</summary>
public sealed record RequestIdentity(string UserId, string ProjectId, bool IsAdmin)
{
    private const string ItemKey = "BackupPlatform.Identity";

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
