using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Data;

/// <summary>Issuing, finding and revoking API tokens (see <see cref="AuthToken"/>).</summary>
public static class AuthTokens
{
    /// <summary>Creates a token; the returned secret is shown once and never stored.</summary>
    public static async Task<(string Secret, AuthToken Token)> IssueAsync(
        BackupDbContext db, string userId, string projectId, string roles, TimeSpan? lifetime, string? description, CancellationToken cancellationToken)
    {
        // 256 random bits, URL-safe: it travels in the X-Auth-Token header.
        var secret = "bpt_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = DateTime.UtcNow;
        var token = new AuthToken
        {
            TokenHash = Hash(secret),
            UserId = userId,
            ProjectId = projectId,
            Roles = roles,
            Description = description,
            CreatedAt = now,
            ExpiresAt = lifetime is { } life ? now + life : null,
        };
        db.AuthTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);
        return (secret, token);
    }

    /// <summary>The live token with this secret, or null (unknown, revoked or expired).</summary>
    public static Task<AuthToken?> FindAsync(BackupDbContext db, string secret, CancellationToken cancellationToken)
    {
        var hash = Hash(secret);
        var now = DateTime.UtcNow;
        return db.AuthTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash && t.RevokedAt == null && (t.ExpiresAt == null || t.ExpiresAt > now))
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>Revokes the tokens whose hash starts with <paramref name="hashPrefix"/> (at least 8 characters, as `list` shows them); the count revoked.</summary>
    public static Task<int> RevokeAsync(BackupDbContext db, string hashPrefix, CancellationToken cancellationToken)
    {
        if (hashPrefix.Length < 8)
        {
            throw new ArgumentException("Name a token by at least the first 8 characters of its id.", nameof(hashPrefix));
        }

        var now = DateTime.UtcNow;
        var prefix = hashPrefix.ToLowerInvariant();
        return db.AuthTokens.Where(t => t.TokenHash.StartsWith(prefix) && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
