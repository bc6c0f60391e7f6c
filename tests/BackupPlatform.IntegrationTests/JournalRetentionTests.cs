using BackupPlatform.Data;
using BackupPlatform.Hosting.Journal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackupPlatform.IntegrationTests;

/// <summary>The journal keeps what the retention period covers and deletes what is older.</summary>
public sealed class JournalRetentionTests
{
    [Fact]
    public async Task Rows_older_than_the_retention_period_are_deleted_and_newer_ones_kept()
    {
        await using var deployment = await Deployment.StartAsync(withWorker: false, "--BackupPlatform:Journal:RetentionDays=3");
        var old = Guid.NewGuid();
        var recent = Guid.NewGuid();
        await using (var db = deployment.BackupDb())
        {
            db.Journal.AddRange(
                new JournalEntry { MessageId = old, Kind = JournalKinds.Send, Outcome = JournalOutcomes.Sent, RecordedAt = DateTime.UtcNow.AddDays(-4) },
                new JournalEntry { MessageId = recent, Kind = JournalKinds.Send, Outcome = JournalOutcomes.Sent, RecordedAt = DateTime.UtcNow.AddDays(-2) });
            await db.SaveChangesAsync();
        }

        var deleted = await deployment.ApiHost.Services.GetRequiredService<JournalRetention>().DeleteExpiredAsync(CancellationToken.None);

        Assert.True(deleted >= 1, "nothing was deleted");
        await using (var db = deployment.BackupDb())
        {
            Assert.False(await db.Journal.AnyAsync(e => e.MessageId == old));
            Assert.True(await db.Journal.AnyAsync(e => e.MessageId == recent));
            Assert.False(await db.Journal.AnyAsync(e => e.RecordedAt < DateTime.UtcNow.AddDays(-3)));
        }
    }
}
