using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackupPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.IntegrationTests;

/// <summary>
/// The operator's loop the message journal exists for: a backup fails because its store is down, the
/// admin tool finds the faulted command by the backup's id, the store comes back, the command is
/// replayed and the backup completes; replaying it once more changes nothing.
/// </summary>
public sealed class StoreOutageReplayTests
{
    [Fact]
    public async Task A_backup_failed_by_a_store_outage_is_found_by_its_id_replayed_once_the_store_is_back_and_restores_identically()
    {
        var proxy = new TcpProxy(SwiftServer.Port);
        var proxyPort = proxy.Port;
        await using var deployment = await Deployment.StartAsync(withWorker: false);
        await deployment.StartWorkerAsync(Deployment.WorkerHost, "nova", SwiftServer.WorkerArgs(proxyPort, $"bp-{Guid.NewGuid():N}", retryAttempts: 2));
        var volume = await deployment.CreateVolumeAsync(1);
        var content = new byte[12 * 1024 * 1024];
        new Random(71).NextBytes(content);
        await deployment.UploadAsync(volume, content);

        // The store goes away; the backup fails as Cinder fails it.
        await proxy.DisposeAsync();
        var response = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var backupId = (await Deployment.ReadAsync(response)).GetProperty("backup").GetProperty("id").GetGuid();
        var failed = await deployment.WaitForBackupAsync(backupId, "creating");
        Assert.Equal("error", failed.GetProperty("status").GetString());
        Assert.Equal("available", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());

        // The tool finds the faulted command by the backup's id, with the store's error.
        var faulted = await AdminCli.WaitForAsync(
            deployment,
            row => row.GetProperty("Kind").GetString() == JournalKinds.Consume,
            "messages", "list", "--backup-id", backupId.ToString(), "--outcome", "faulted");
        Assert.Equal("BackupPlatform.Contracts.Backup.V2.CreateBackup", faulted.GetProperty("MessageType").GetString());
        Assert.Equal(BackupPlatform.Contracts.RpcVersion.Current, faulted.GetProperty("ContractVersion").GetString());
        Assert.EndsWith($"/backup-worker.{Deployment.WorkerHost}", faulted.GetProperty("DestinationAddress").GetString(), StringComparison.Ordinal);
        Assert.Contains("StoreFailureException", faulted.GetProperty("Exception").GetString(), StringComparison.Ordinal);
        Assert.Equal($"worker.{Deployment.WorkerHost}", faulted.GetProperty("Service").GetString());
        var original = faulted.GetProperty("MessageId").GetGuid();
        var shown = await AdminCli.JsonAsync(deployment, "messages", "show", original.ToString());
        Assert.Contains(shown.EnumerateArray(), row => row.GetProperty("Kind").GetString() == JournalKinds.Send && row.GetProperty("Service").GetString() == "scheduler");

        // The store is back where it was; the operator replays the command.
        proxy = new TcpProxy(SwiftServer.Port, proxyPort);
        await using (proxy)
        {
            var replay = await AdminCli.JsonAsync(deployment, "messages", "replay", original.ToString());
            Assert.Equal(original, replay.GetProperty("OriginalMessageId").GetGuid());
            Assert.NotEqual(original, replay.GetProperty("MessageId").GetGuid());
            Assert.Equal($"backup-worker.{Deployment.WorkerHost}", replay.GetProperty("Destination").GetString());

            await Deployment.WaitUntilAsync(async () => (await deployment.BackupAsync(backupId)).GetProperty("status").GetString() == "available");
            var backup = await deployment.BackupAsync(backupId);
            Assert.Equal(JsonValueKind.Null, backup.GetProperty("fail_reason").ValueKind);
            Assert.Equal("available", (await deployment.VolumeAsync(volume)).GetProperty("status").GetString());

            var target = await deployment.CreateVolumeAsync(1);
            await deployment.RestoreBackupAsync(backupId, target);
            Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "restoring")).GetProperty("status").GetString());
            Assert.True((await deployment.DownloadAsync(target)).AsSpan(0, content.Length).SequenceEqual(content), "the replayed backup restores other bytes");

            // Once more, through the admin HTTP API this time: the step is done, the replay is a no-op, and the journal says so.
            var updated = await UpdatedAtAsync(deployment, backupId);
            var listed = await Deployment.ReadAsync(await deployment.AdminApi.GetAsync($"/v3/{Deployment.Project}/os-admin/messages?backup_id={backupId}&outcome=faulted"));
            Assert.Contains(listed.GetProperty("messages").EnumerateArray(), row => row.GetProperty("messageId").GetGuid() == original);
            Assert.Equal(HttpStatusCode.Forbidden, (await deployment.Api.PostAsync($"/v3/{Deployment.Project}/os-admin/messages/{original}/replay", null)).StatusCode);
            var again = await deployment.AdminApi.PostAsync($"/v3/{Deployment.Project}/os-admin/messages/{original}/replay", null);
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
            Assert.Equal(original, (await Deployment.ReadAsync(again)).GetProperty("replay").GetProperty("originalMessageId").GetGuid());
            var skipped = await AdminCli.WaitForAsync(
                deployment,
                row => row.GetProperty("ReplayOf").ValueKind == JsonValueKind.String && row.GetProperty("ReplayOf").GetGuid() == original,
                "messages", "list", "--backup-id", backupId.ToString(), "--outcome", "skipped", "--kind", JournalKinds.Consume, "--type", "CreateBackup");
            Assert.Contains("available", skipped.GetProperty("Note").GetString(), StringComparison.Ordinal);
            Assert.Equal("available", (await deployment.BackupAsync(backupId)).GetProperty("status").GetString());
            Assert.Equal(updated, await UpdatedAtAsync(deployment, backupId));

            await using var db = deployment.BackupDb();
            // MassTransit carries the replay header on to what the consumer sends (the volume-service calls): only the command itself counts here.
            var replays = await db.Journal
                .Where(e => e.ReplayOf == original && e.Kind == JournalKinds.Consume && e.MessageType == "BackupPlatform.Contracts.Backup.V2.CreateBackup")
                .OrderBy(e => e.Sequence).Select(e => e.Outcome).ToListAsync();
            Assert.Equal([JournalOutcomes.Consumed, JournalOutcomes.Skipped], replays);
            Assert.Equal(1, await db.Backups.CountAsync(b => b.VolumeId == volume));

            // Heartbeats (every second here; the scheduler routed by them) are left out of the journal by default.
            var heartbeats = await db.Journal
                .Where(e => e.MessageType == "BackupPlatform.Contracts.Backup.V2.BackupServiceHeartbeat" && e.Outcome != JournalOutcomes.Faulted)
                .Select(e => e.Kind + " " + e.Outcome + " by " + e.Service).ToListAsync();
            Assert.Empty(heartbeats);
        }
    }

    private static async Task<DateTime?> UpdatedAtAsync(Deployment deployment, Guid backupId)
    {
        await using var db = deployment.BackupDb();
        return await db.Backups.Where(b => b.Id == backupId).Select(b => b.UpdatedAt).SingleAsync();
    }
}
