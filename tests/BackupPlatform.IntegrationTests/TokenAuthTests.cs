using System.Net;
using System.Net.Http.Json;
using BackupPlatform.Data;

namespace BackupPlatform.IntegrationTests;

/// <summary>The "token" auth mode: opaque tokens stored hashed, with their project and roles; unknown, revoked and expired tokens are refused.</summary>
public sealed class TokenAuthTests
{
    [Fact]
    public async Task Tokens_carry_project_and_roles_and_stop_working_when_revoked_or_expired()
    {
        await using var deployment = await Deployment.StartAsync();
        var api = await deployment.StartExtraApiAsync("--BackupPlatform:Auth:Mode=token");
        var volume = await deployment.CreateVolumeAsync(1);

        string tenant, admin, expired;
        AuthToken tenantRow;
        await using (var db = deployment.BackupDb())
        {
            (tenant, tenantRow) = await AuthTokens.IssueAsync(db, "alice", Deployment.Project, "member", null, "test tenant", CancellationToken.None);
            (admin, _) = await AuthTokens.IssueAsync(db, "ops", "adminproject", "admin,member", TimeSpan.FromDays(1), null, CancellationToken.None);
            (expired, _) = await AuthTokens.IssueAsync(db, "bob", Deployment.Project, "member", TimeSpan.FromMilliseconds(1), null, CancellationToken.None);
            Assert.NotEqual(tenant, tenantRow.TokenHash);
            Assert.DoesNotContain(db.AuthTokens, t => t.TokenHash == tenant);
        }

        using var anonymous = new HttpClient { BaseAddress = api };
        var none = await anonymous.GetAsync($"/v3/{Deployment.Project}/backups");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.True((await Deployment.ReadAsync(none)).TryGetProperty("unauthorized", out _));
        // What noauth would trust is just an unknown token here.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(api, $"admin:{Deployment.Project}", HttpMethod.Get, $"/v3/{Deployment.Project}/backups")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(api, expired, HttpMethod.Get, $"/v3/{Deployment.Project}/backups")).StatusCode);

        var created = await Send(api, tenant, HttpMethod.Post, $"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume } });
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var backupId = (await Deployment.ReadAsync(created)).GetProperty("backup").GetProperty("id").GetGuid();
        Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "creating")).GetProperty("status").GetString());
        await using (var db = deployment.BackupDb())
        {
            Assert.Equal("alice", db.Backups.Single(b => b.Id == backupId).UserId);
        }

        // The token's project is the caller's: another project in the path reads as not found.
        Assert.Equal(HttpStatusCode.NotFound, (await Send(api, tenant, HttpMethod.Get, $"/v3/otherproject/backups/{backupId}")).StatusCode);
        var action = $"/v3/{Deployment.Project}/backups/{backupId}/action";
        var reset = new Dictionary<string, object> { ["os-reset_status"] = new { status = "error" } };
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(api, tenant, HttpMethod.Post, action, reset)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Send(api, admin, HttpMethod.Post, action, reset)).StatusCode);
        Assert.Equal("error", (await deployment.BackupAsync(backupId)).GetProperty("status").GetString());

        await using (var db = deployment.BackupDb())
        {
            Assert.Equal(1, await AuthTokens.RevokeAsync(db, tenantRow.TokenHash[..12], CancellationToken.None));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(api, tenant, HttpMethod.Get, $"/v3/{Deployment.Project}/backups/{backupId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(api, admin, HttpMethod.Get, $"/v3/{Deployment.Project}/backups/{backupId}")).StatusCode);
    }

    private static async Task<HttpResponseMessage> Send(Uri api, string token, HttpMethod method, string path, object? body = null)
    {
        using var client = new HttpClient { BaseAddress = api };
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-Auth-Token", token);
        return await client.SendAsync(request);
    }
}
