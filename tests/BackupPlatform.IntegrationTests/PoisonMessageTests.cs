using System.Net;
using System.Net.Http.Json;
using System.Text;
using BackupPlatform.Data;
using BackupPlatform.Hosting;
using RabbitMQ.Client;

namespace BackupPlatform.IntegrationTests;

/// <summary>A message that cannot be read goes to the error queue with its reason and holds nothing up behind it.</summary>
public sealed class PoisonMessageTests
{
    [Fact]
    public async Task A_body_that_does_not_deserialize_lands_in_the_error_queue_is_listed_with_its_reason_and_blocks_nothing()
    {
        await using var deployment = await Deployment.StartAsync();
        var volume = await deployment.CreateVolumeAsync(1);
        var content = new byte[4 * 1024 * 1024];
        new Random(91).NextBytes(content);
        await deployment.UploadAsync(volume, content);

        // Straight onto the scheduler's queue, as a broken or foreign producer would put it.
        var poisonId = Guid.NewGuid().ToString();
        var factory = new ConnectionFactory { Uri = new Uri(deployment.RabbitMqUri) };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            var properties = new BasicProperties { MessageId = poisonId, ContentType = "application/vnd.masstransit+json", Persistent = true };
            await channel.BasicPublishAsync(string.Empty, QueueNames.Scheduler, mandatory: false, properties, Encoding.UTF8.GetBytes("{\"messageType\": [\"urn:message:BackupPlatform.Contracts.Backup.V2:CreateBackup\"], \"message\": {"));
        }

        // The backup behind it goes through the same queue and completes.
        var response = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var backupId = (await Deployment.ReadAsync(response)).GetProperty("backup").GetProperty("id").GetGuid();
        Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "creating")).GetProperty("status").GetString());

        // The tool lists it in the scheduler's error queue with MassTransit's reason.
        var (exit, table, _) = await AdminCli.RunAsync(deployment, "errors", "list");
        Assert.Equal(0, exit);
        Assert.Contains(poisonId, table, StringComparison.Ordinal);
        var errors = await AdminCli.JsonAsync(deployment, "errors", "list", "--queue", $"{QueueNames.Scheduler}_error");
        var poison = Assert.Single(errors.EnumerateArray(), e => e.GetProperty("MessageId").GetString() == poisonId);
        Assert.Equal($"{QueueNames.Scheduler}_error", poison.GetProperty("Queue").GetString());
        Assert.False(string.IsNullOrWhiteSpace(poison.GetProperty("Reason").GetString()), "no reason in the error queue");
        Assert.Equal("System.Text.Json.JsonReaderException", poison.GetProperty("ExceptionType").GetString());

        // Administrators see the same on the API; tenants do not.
        var overHttp = await Deployment.ReadAsync(await deployment.AdminApi.GetAsync($"/v3/{Deployment.Project}/os-admin/errors?queue={QueueNames.Scheduler}_error"));
        Assert.Contains(overHttp.GetProperty("errors").EnumerateArray(), e => e.GetProperty("messageId").GetString() == poisonId && e.GetProperty("reason").GetString() == poison.GetProperty("Reason").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await deployment.Api.GetAsync($"/v3/{Deployment.Project}/os-admin/errors")).StatusCode);

        // Listing left it where it was, and the journal has it too, with the queue it went to.
        Assert.Single((await AdminCli.JsonAsync(deployment, "errors", "list", "--queue", $"{QueueNames.Scheduler}_error")).EnumerateArray(), e => e.GetProperty("MessageId").GetString() == poisonId);
        var journaled = await AdminCli.WaitForAsync(
            deployment,
            row => row.GetProperty("MessageId").ValueKind == System.Text.Json.JsonValueKind.String && row.GetProperty("MessageId").GetString() == poisonId,
            "messages", "list", "--outcome", JournalOutcomes.ErrorQueue);
        Assert.Equal($"moved to {QueueNames.Scheduler}_error", journaled.GetProperty("Note").GetString());
        Assert.Contains("\"message\": {", journaled.GetProperty("Body").GetString(), StringComparison.Ordinal);
    }
}
