using System.Net;
using System.Net.Http.Json;

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

        // Issued with the admin tool, as an operator would: the secret alone on the first line, its id after.
        var tenant = await IssueAsync(deployment, "--user", "alice", "--project", Deployment.Project, "--description", "test tenant");
        var admin = await IssueAsync(deployment, "--user", "ops", "--project", "adminproject", "--roles", "admin,member", "--expires-in", "1d");
        var expired = await IssueAsync(deployment, "--user", "bob", "--project", Deployment.Project, "--expires-in", "00:00:00.001");
        string tenantId;
        await using (var db = deployment.BackupDb())
        {
            Assert.Equal(3, db.AuthTokens.Count());
            Assert.DoesNotContain(db.AuthTokens, t => t.TokenHash == tenant);
            tenantId = db.AuthTokens.Single(t => t.UserId == "alice").TokenHash[..12];
            Assert.Equal("admin,member", db.AuthTokens.Single(t => t.UserId == "ops").Roles);
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

        var (exit, output, errors) = await AdminCli.RunAsync(deployment, "tokens", "revoke", tenantId);
        Assert.True(exit == 0, errors);
        Assert.Contains("revoked 1 token(s)", output, StringComparison.Ordinal);
        var (_, listing, _) = await AdminCli.RunAsync(deployment, "tokens", "list", "--project", Deployment.Project);
        Assert.Contains(listing.Split('\n'), l => l.StartsWith(tenantId, StringComparison.Ordinal) && l.TrimEnd().EndsWith("revoked", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(api, tenant, HttpMethod.Get, $"/v3/{Deployment.Project}/backups/{backupId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(api, admin, HttpMethod.Get, $"/v3/{Deployment.Project}/backups/{backupId}")).StatusCode);
    }

    private static async Task<string> IssueAsync(Deployment deployment, params string[] options)
    {
        var (exit, output, errors) = await AdminCli.RunAsync(deployment, ["tokens", "create", .. options]);
        Assert.True(exit == 0, errors);
        return output.Split('\n')[0].Trim();
    }

    private static async Task<HttpResponseMessage> Send(Uri api, string token, HttpMethod method, string path, object? body = null)
    {
        using var client = new HttpClient { BaseAddress = api };
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-Auth-Token", token);
        return await client.SendAsync(request);
    }
}
