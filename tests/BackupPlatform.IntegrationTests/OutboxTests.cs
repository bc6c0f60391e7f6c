using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.IntegrationTests;

/// <summary>The transactional outbox: what the API accepted while the broker was down is sent when it is back.</summary>
[Collection(PrivateRabbitMq.Collection)]
public sealed class OutboxTests
{
    [Fact]
    public async Task Backups_requested_while_RabbitMQ_is_down_all_become_available_once_it_is_back()
    {
        await using var broker = await PrivateRabbitMq.StartAsync();
        // 20 backups in one project: past Cinder's default quota of 10.
        await using var deployment = await Deployment.StartOnAsync(PrivateRabbitMq.Uri, true, "--BackupPlatform:Quotas:Backups=-1");
        var volumes = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            volumes.Add(await deployment.CreateVolumeAsync(1));
        }

        await broker.StopAsync();
        var backups = new List<Guid>();
        foreach (var volume in volumes)
        {
            var response = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume } });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            backups.Add((await Deployment.ReadAsync(response)).GetProperty("backup").GetProperty("id").GetGuid());
        }

        await using (var db = deployment.BackupDb())
        {
            Assert.Equal(20, await db.OutboxMessages.CountAsync(m => m.SentAt == null && m.CorrelationId != null && backups.Contains(m.CorrelationId.Value)));
        }

        await broker.RestartAsync();
        foreach (var backupId in backups)
        {
            var backup = await deployment.WaitForBackupAsync(backupId, "creating");
            Assert.Equal("available", backup.GetProperty("status").GetString());
        }

        // The workers' notifications of those creates go through the outbox too: the last are written as the
        // backups become available, and a relay's batch marks its rows sent when it commits.
        await Deployment.WaitUntilAsync(
            async () =>
            {
                await using var rows = deployment.BackupDb();
                return await rows.OutboxMessages.CountAsync(m => m.SentAt == null) == 0;
            },
            seconds: 90);
    }
}
