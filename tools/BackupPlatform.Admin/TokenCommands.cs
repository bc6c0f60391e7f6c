using System.Globalization;
using BackupPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Admin;

/// <summary>tokens create | list | revoke: the API tokens of the "token" auth mode (only their SHA-256 is stored).</summary>
internal static class TokenCommands
{
    public static async Task<int> RunAsync(string verb, AdminCommandLine line, BackupDbContext db, TextWriter output, TextWriter errors)
    {
        var ct = CancellationToken.None;
        switch (verb)
        {
            case "create":
                if (line.Option("user") is not { Length: > 0 } user || line.Option("project") is not { Length: > 0 } project)
                {
                    await errors.WriteLineAsync("tokens create needs --user USER and --project PROJECT.");
                    return 2;
                }

                var (secret, token) = await AuthTokens.IssueAsync(
                    db, user, project, line.Option("roles") ?? "member", Lifetime(line.Option("expires-in")), line.Option("description"), ct);
                // The secret is printed once, alone on the first line, so that scripts can capture it.
                await output.WriteLineAsync(secret);
                await output.WriteLineAsync($"id {token.TokenHash[..12]}  user {token.UserId}  project {token.ProjectId}  roles {token.Roles}  expires {token.ExpiresAt?.ToString("O", CultureInfo.InvariantCulture) ?? "never"}");
                return 0;
            case "list":
                var projectFilter = line.Option("project");
                var tokens = await db.AuthTokens.AsNoTracking()
                    .Where(t => projectFilter == null || t.ProjectId == projectFilter)
                    .OrderBy(t => t.CreatedAt)
                    .ToListAsync(ct);
                await output.WriteLineAsync($"{"id",-12}  {"user",-20} {"project",-32} {"roles",-16} {"created (UTC)",-19}  state");
                foreach (var t in tokens)
                {
                    var state = t.RevokedAt is not null ? "revoked" : t.ExpiresAt < DateTime.UtcNow ? "expired" : "active";
                    await output.WriteLineAsync($"{t.TokenHash[..12]}  {t.UserId,-20} {t.ProjectId,-32} {t.Roles,-16} {t.CreatedAt:yyyy-MM-dd HH:mm:ss}  {state}");
                }

                return 0;
            case "revoke" when line.Words.Count > 2:
                var revoked = await AuthTokens.RevokeAsync(db, line.Words[2], ct);
                await output.WriteLineAsync($"revoked {revoked} token(s)");
                return revoked > 0 ? 0 : 1;
            default:
                await errors.WriteLineAsync(AdminTool.Usage);
                return 2;
        }
    }

    /// <summary>"30d", "12h" or a TimeSpan ("30.00:00:00"); none means the token does not expire.</summary>
    private static TimeSpan? Lifetime(string? text) => text switch
    {
        null => null,
        _ when text.EndsWith('d') => TimeSpan.FromDays(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
        _ when text.EndsWith('h') => TimeSpan.FromHours(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
        _ => TimeSpan.Parse(text, CultureInfo.InvariantCulture),
    };
}
