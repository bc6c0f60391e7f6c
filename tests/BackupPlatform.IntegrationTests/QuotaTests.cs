using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.IntegrationTests;

/// <summary>os-quota-sets for backups and backup_gigabytes, enforced so that concurrent creates never pass a limit.</summary>
public sealed class QuotaTests
{
    [Fact]
    public async Task Fifty_parallel_creates_against_a_quota_of_ten_accept_exactly_ten()
    {
        await using var deployment = await Deployment.StartAsync();
        var quotas = $"/v3/{Deployment.Project}/os-quota-sets/{Deployment.Project}";
        var defaults = (await Deployment.ReadAsync(await deployment.Api.GetAsync($"{quotas}/defaults"))).GetProperty("quota_set");
        Assert.Equal(10, defaults.GetProperty("backups").GetInt32());
        Assert.Equal(1000, defaults.GetProperty("backup_gigabytes").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await deployment.Api.PutAsJsonAsync(quotas, new { quota_set = new { backups = 100 } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await deployment.AdminApi.PutAsJsonAsync(quotas, new { quota_set = new { backups = -2 } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await deployment.AdminApi.PutAsJsonAsync(quotas, new { quota_set = new { bananas = 1 } })).StatusCode);
        var updated = await deployment.AdminApi.PutAsJsonAsync(quotas, new { quota_set = new { backups = 10, backup_gigabytes = 100 } });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(10, (await Deployment.ReadAsync(updated)).GetProperty("quota_set").GetProperty("backups").GetInt32());

        var volumes = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => deployment.CreateVolumeAsync(1)));
        var responses = await Task.WhenAll(volumes.Select(volume =>
            deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume } })));

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.RequestEntityTooLarge).ToList();
        Assert.Equal(40, refused.Count);
        var fault = (await Deployment.ReadAsync(refused[0])).GetProperty("overLimit");
        Assert.Equal(413, fault.GetProperty("code").GetInt32());
        Assert.Equal("BackupLimitExceeded: Maximum number of backups allowed (10) exceeded", fault.GetProperty("message").GetString());
        Assert.Equal("0", fault.GetProperty("retryAfter").GetString());
        Assert.Equal("0", refused[0].Headers.GetValues("Retry-After").Single());

        var usage = (await Deployment.ReadAsync(await deployment.Api.GetAsync($"{quotas}?usage=True"))).GetProperty("quota_set");
        Assert.Equal(10, usage.GetProperty("backups").GetProperty("in_use").GetInt32());
        Assert.Equal(10, usage.GetProperty("backups").GetProperty("limit").GetInt32());
        Assert.Equal(10, usage.GetProperty("backup_gigabytes").GetProperty("in_use").GetInt32());
        await using (var db = deployment.BackupDb())
        {
            Assert.Equal(10, await db.Backups.CountAsync());
        }

        // A refused create leaves its volume as it found it.
        var accepted = new List<Guid>();
        for (var i = 0; i < volumes.Length; i++)
        {
            if (responses[i].StatusCode == HttpStatusCode.Accepted)
            {
                accepted.Add((await Deployment.ReadAsync(responses[i])).GetProperty("backup").GetProperty("id").GetGuid());
            }
            else
            {
                Assert.Equal("available", (await deployment.VolumeAsync(volumes[i])).GetProperty("status").GetString());
            }
        }

        // Deleting gives the quota back; gigabytes are checked too, with Cinder's message.
        Assert.Equal("available", (await deployment.WaitForBackupAsync(accepted[0], "creating")).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Accepted, (await deployment.Api.DeleteAsync($"/v3/{Deployment.Project}/backups/{accepted[0]}")).StatusCode);
        await Deployment.WaitUntilAsync(async () => (await deployment.Api.GetAsync($"/v3/{Deployment.Project}/backups/{accepted[0]}")).StatusCode == HttpStatusCode.NotFound);
        var limits = (await Deployment.ReadAsync(await deployment.Api.GetAsync($"/v3/{Deployment.Project}/limits"))).GetProperty("limits").GetProperty("absolute");
        Assert.Equal(9, limits.GetProperty("totalBackupsUsed").GetInt32());
        Assert.Equal(9, limits.GetProperty("totalBackupGigabytesUsed").GetInt32());

        Assert.Equal(HttpStatusCode.OK, (await deployment.AdminApi.PutAsJsonAsync(quotas, new { quota_set = new { backup_gigabytes = 10 } })).StatusCode);
        var big = await deployment.CreateVolumeAsync(2);
        var tooBig = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = big } });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Equal(
            "VolumeBackupSizeExceedsAvailableQuota: Requested backup exceeds allowed Backup gigabytes quota. Requested 2G, quota is 10G and 9G has been consumed.",
            (await Deployment.ReadAsync(tooBig)).GetProperty("overLimit").GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await deployment.AdminApi.PutAsJsonAsync(quotas, new { quota_set = new { backups = 5 } })).StatusCode);

        // Back to the defaults.
        Assert.Equal(HttpStatusCode.OK, (await deployment.AdminApi.DeleteAsync(quotas)).StatusCode);
        Assert.Equal(1000, (await Deployment.ReadAsync(await deployment.Api.GetAsync(quotas))).GetProperty("quota_set").GetProperty("backup_gigabytes").GetInt32());
    }
}
