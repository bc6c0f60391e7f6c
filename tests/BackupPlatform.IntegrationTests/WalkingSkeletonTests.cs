using System.Net;
using System.Net.Http.Json;
using BackupPlatform.Contracts.Backup.V2;
using BackupPlatform.Data;
using BackupPlatform.Hosting;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackupPlatform.IntegrationTests;

/// <summary>One backup the whole way through four separate hosts over RabbitMQ and PostgreSQL, and back.</summary>
public sealed class WalkingSkeletonTests
{
    private const int PayloadBytes = 64 * 1024 * 1024;

    [Fact]
    public async Task Backup_and_restore_through_separate_services_is_byte_identical_with_every_status_seen()
    {
        await using var deployment = await Deployment.StartAsync();
        var payload = RandomBytes(PayloadBytes, seed: 1);
        var source = await deployment.CreateVolumeAsync(1);
        await deployment.UploadAsync(source, payload);

        // With the worker away, the command waits in its host queue: creating / backing-up hold still to be seen.
        await deployment.StopWorkerAsync();
        var created = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = source, name = "skeleton" } });
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var summary = (await Deployment.ReadAsync(created)).GetProperty("backup");
        Assert.Equal(["id", "links", "name"], summary.EnumerateObject().Select(p => p.Name).Order());
        var backupId = summary.GetProperty("id").GetGuid();
        Assert.Equal("creating", (await deployment.BackupAsync(backupId)).GetProperty("status").GetString());
        Assert.Equal("backing-up", (await deployment.VolumeAsync(source)).GetProperty("status").GetString());
        await Deployment.WaitUntilAsync(async () =>
        {
            await using var db = deployment.BackupDb();
            return await db.Backups.AnyAsync(b => b.Id == backupId && b.Host == Deployment.WorkerHost);
        });
        Assert.Equal("creating", (await deployment.BackupAsync(backupId)).GetProperty("status").GetString());

        await deployment.StartWorkerAsync();
        var backup = await deployment.WaitForBackupAsync(backupId, "creating");
        Assert.Equal("available", backup.GetProperty("status").GetString());
        Assert.Equal(1, backup.GetProperty("size").GetInt32());
        Assert.True(backup.GetProperty("object_count").GetInt32() >= 2);
        Assert.Equal("available", (await deployment.VolumeAsync(source)).GetProperty("status").GetString());

        await using (var db = deployment.BackupDb())
        {
            var row = await db.Backups.SingleAsync(b => b.Id == backupId);
            Assert.Equal(Deployment.Project, row.ProjectId);
            Assert.Equal("tenant", row.UserId);
            Assert.Equal(source, row.VolumeId);
            Assert.Equal("posix", row.Service);
            Assert.Equal("volumebackups", row.Container);
            Assert.Equal(Deployment.WorkerHost, row.Host);
            Assert.Equal("nova", row.AvailabilityZone);
            Assert.False(row.IsIncremental);
            Assert.NotNull(row.DataTimestamp);
            Assert.Contains("\"compression\":\"zstd\"", row.ServiceMetadata, StringComparison.Ordinal);
            var outbox = await db.OutboxMessages.Where(m => m.CorrelationId == backupId).ToListAsync();
            Assert.Equal(typeof(CreateBackup).FullName, Assert.Single(outbox).MessageType);
            Assert.NotNull(outbox[0].SentAt);
        }

        // 64 MiB of random data in 16 MiB packs (each a little over, for the blob headers); the zero rest is not stored.
        var packs = Directory.GetFiles(Path.Combine(deployment.StorePath, "volumebackups", "packs"), "*", SearchOption.AllDirectories);
        Assert.Equal(PayloadBytes / (16 * 1024 * 1024), packs.Length);
        Assert.InRange(packs.Sum(p => new FileInfo(p).Length), PayloadBytes, PayloadBytes + (PayloadBytes / 1000));

        var target = await deployment.CreateVolumeAsync(1);
        await deployment.StopWorkerAsync();
        var restore = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups/{backupId}/restore", new { restore = new { volume_id = target } });
        Assert.Equal(HttpStatusCode.Accepted, restore.StatusCode);
        var restoreBody = (await Deployment.ReadAsync(restore)).GetProperty("restore");
        Assert.Equal(backupId, restoreBody.GetProperty("backup_id").GetGuid());
        Assert.Equal(target, restoreBody.GetProperty("volume_id").GetGuid());
        Assert.Equal("restoring", (await deployment.BackupAsync(backupId)).GetProperty("status").GetString());
        Assert.Equal("restoring-backup", (await deployment.VolumeAsync(target)).GetProperty("status").GetString());

        await deployment.StartWorkerAsync();
        backup = await deployment.WaitForBackupAsync(backupId, "restoring");
        Assert.Equal("available", backup.GetProperty("status").GetString());
        Assert.True(backup.GetProperty("fail_reason").ValueKind == System.Text.Json.JsonValueKind.Null, backup.GetProperty("fail_reason").ToString());
        Assert.Equal("available", (await deployment.VolumeAsync(target)).GetProperty("status").GetString());

        var restored = await deployment.DownloadAsync(target);
        Assert.Equal(Deployment.GiB, restored.LongLength);
        Assert.True(restored.AsSpan(0, PayloadBytes).SequenceEqual(payload), "the first 64 MiB differ from what was uploaded");
        Assert.False(restored.AsSpan(PayloadBytes).ContainsAnyExcept((byte)0), "bytes past the upload are not zero");
    }

    [Fact]
    public async Task A_corrupted_chunk_fails_the_restore_naming_the_chunk_and_leaves_the_volume_error_restoring()
    {
        await using var deployment = await Deployment.StartAsync();
        var source = await deployment.CreateVolumeAsync(1);
        await deployment.UploadAsync(source, RandomBytes(12 * 1024 * 1024, seed: 2));
        var backupId = await deployment.CreateBackupAsync(source);
        Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "creating")).GetProperty("status").GetString());

        // A byte in the middle of a pack: inside the payload of one of its chunks.
        var pack = Directory.GetFiles(Path.Combine(deployment.StorePath, "volumebackups", "packs"), "*", SearchOption.AllDirectories).Order().First();
        var bytes = await File.ReadAllBytesAsync(pack);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(pack, bytes);

        var target = await deployment.CreateVolumeAsync(1);
        var restore = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups/{backupId}/restore", new { restore = new { volume_id = target } });
        Assert.Equal(HttpStatusCode.Accepted, restore.StatusCode);
        var backup = await deployment.WaitForBackupAsync(backupId, "restoring");

        Assert.Equal("error_restoring", (await deployment.VolumeAsync(target)).GetProperty("status").GetString());
        Assert.Equal("available", backup.GetProperty("status").GetString());
        var reason = backup.GetProperty("fail_reason").GetString();
        Assert.Matches("failed: Chunk [0-9a-f]{64} in packs/", reason);
        Assert.Contains(Path.GetFileName(pack), reason, StringComparison.Ordinal);
        Assert.Contains("failed verification", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_create_command_of_another_major_version_is_refused_and_its_backup_goes_to_error()
    {
        await using var deployment = await Deployment.StartAsync();
        var volume = await deployment.CreateVolumeAsync(1);
        var bus = deployment.ApiHost.Services.GetRequiredService<IBus>();

        foreach (var queue in new[] { QueueNames.Scheduler, QueueNames.Worker(Deployment.WorkerHost) })
        {
            var backupId = Guid.NewGuid();
            await using (var db = deployment.BackupDb())
            {
                db.Backups.Add(new Backup
                {
                    Id = backupId,
                    ProjectId = Deployment.Project,
                    UserId = "tenant",
                    VolumeId = volume,
                    Status = BackupStatus.Creating,
                    Size = 1,
                    CreatedAt = DateTime.UtcNow,
                });
                await db.SaveChangesAsync();
            }

            var endpoint = await bus.GetSendEndpoint(QueueNames.Address(queue));
            await endpoint.Send(new CreateBackup { BackupId = backupId, VolumeId = volume, AvailabilityZone = "nova", TargetVersion = "3.0" });

            var backup = await deployment.WaitForBackupAsync(backupId, "creating");
            Assert.Equal("error", backup.GetProperty("status").GetString());
            Assert.Equal($"Unsupported RPC target version 3.0: this service speaks 2.x (up to {BackupPlatform.Contracts.RpcVersion.Current}).", backup.GetProperty("fail_reason").GetString());
            await Deployment.WaitUntilAsync(async () => await TestServers.QueueDepthAsync(deployment.VirtualHost, $"{queue}_error") == 1, seconds: 30);
        }
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
