using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.IntegrationTests;

/// <summary>Cinder's backup_max_operations: a worker runs at most that many operations at once, the rest wait in its queue.</summary>
public sealed class OperationLimitTests
{
    [Fact]
    public async Task A_worker_limited_to_one_operation_begins_the_next_backup_only_when_the_first_ends()
    {
        await using var deployment = await Deployment.StartAsync(withWorker: false);
        await deployment.StartWorkerAsync(Deployment.WorkerHost, "nova", "--BackupPlatform:Worker:MaxOperations=1");
        var volumes = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var volume = await deployment.CreateVolumeAsync(1);
            var content = new byte[96 * 1024 * 1024];
            new Random(60 + i).NextBytes(content);
            await deployment.UploadAsync(volume, content);
            volumes.Add(volume);
        }

        var backups = new List<Guid>();
        foreach (var volume in volumes)
        {
            var response = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume } });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            backups.Add((await Deployment.ReadAsync(response)).GetProperty("backup").GetProperty("id").GetGuid());
        }

        // Sample the rows until all are done: never two begun at once, and each waits its turn.
        var most = 0;
        var samples = 0;
        while (true)
        {
            await using var db = deployment.BackupDb();
            var rows = await db.Backups.AsNoTracking().Where(b => backups.Contains(b.Id)).ToListAsync();
            most = Math.Max(most, rows.Count(b => b.WorkStartedAt != null));
            samples++;
            if (rows.All(b => b.Status != "creating"))
            {
                Assert.All(rows, b => Assert.Equal("available", b.Status));
                break;
            }

            await Task.Delay(20);
        }

        Assert.Equal(1, most);
        Assert.True(samples > 10, $"only {samples} samples: the backups finished too fast to observe the limit");
    }
}
