using System.Text.Json;
using BackupPlatform.Contracts.Backup.V2;
using BackupPlatform.Data;
using BackupPlatform.Hosting.Lifecycle;

namespace BackupPlatform.Tests;

/// <summary>
/// Every move of <see cref="BackupMoves"/> from every listed status, on SQLite: from a status the table
/// allows the move happens and writes its notification (if it has one) to the outbox; from any other it is
/// refused and nothing is written.
/// </summary>
public sealed class BackupLifecycleTests
{
    private static readonly Guid RestoreVolume = Guid.NewGuid();

    /// <summary>How each move is made: the lifecycle's method, given the row as its caller saw it.</summary>
    private static readonly Dictionary<string, Func<BackupLifecycle, Backup, Task<bool>>> Make = new()
    {
        [BackupMoves.BeginCreate.Name] = async (l, b) => await l.BeginCreateAsync(b.Id, "host-a", "zone-a", "posix", "container", default) is not null,
        [BackupMoves.CompleteCreate.Name] = (l, b) => l.CompleteCreateAsync(b.Id, null, 2, 7, "{}", default),
        [BackupMoves.FailCreate.Name] = (l, b) => l.FailCreateAsync(b.Id, "it broke", default),
        [BackupMoves.CompleteImport.Name] = (l, b) => l.CompleteImportAsync(b.Id, s => s.SetProperty(r => r.ObjectCount, 3), default),
        [BackupMoves.FailImport.Name] = (l, b) => l.FailImportAsync(b.Id, "missing packs", default),
        [BackupMoves.Refuse.Name] = (l, b) => l.RefuseAsync(b.Id, BackupMoves.Refuse.From.Contains(b.Status) ? b.Status : BackupStatus.Creating, "no host", default),
        [BackupMoves.AbandonCreate.Name] = (l, b) => l.AbandonAsync(Seen(b, BackupStatus.Creating), "host died", default),
        [BackupMoves.BeginRestore.Name] = (l, b) => l.BeginRestoreAsync(b.Id, RestoreVolume, default),
        [BackupMoves.StartRestore.Name] = async (l, b) => await l.StartRestoreAsync(b.Id, RestoreVolume, "host-a", default) is not null,
        [BackupMoves.EndRestore.Name] = (l, b) => l.EndRestoreAsync(b.Id, null, default),
        [BackupMoves.StopRestore.Name] = (l, b) => l.StopRestoreAsync(b.Id, default),
        [BackupMoves.RefuseRestore.Name] = (l, b) => l.RefuseRestoreAsync(b.Id, "no host", default),
        [BackupMoves.AbandonRestore.Name] = (l, b) => l.AbandonAsync(Seen(b, BackupStatus.Restoring), "host died", default),
        [BackupMoves.BeginDelete.Name] = (l, b) => l.BeginDeleteAsync(b.Id, default),
        [BackupMoves.ForceDelete.Name] = (l, b) => l.ForceDeleteAsync(b.Id, default),
        [BackupMoves.StartDelete.Name] = async (l, b) => await l.StartDeleteAsync(b.Id, "host-a", default) is not null,
        [BackupMoves.FinishDelete.Name] = (l, b) => l.FinishDeleteAsync(b, default),
        [BackupMoves.FailDelete.Name] = (l, b) => l.FailDeleteAsync(b.Id, "store refused", default),
        [BackupMoves.Rearm.Name] = (l, b) => l.RearmAsync(b.Id, default),
        [BackupMoves.Reset.Name] = (l, b) => l.ResetAsync(b, BackupStatus.Error, default),
    };

    public static TheoryData<string, string> MovesFromEveryStatus()
    {
        var data = new TheoryData<string, string>();
        foreach (var move in BackupMoves.All.Where(m => m != BackupMoves.RequestCreate))
        {
            foreach (var status in BackupMoves.Listed)
            {
                data.Add(move.Name, status);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MovesFromEveryStatus))]
    public async Task A_move_happens_from_the_statuses_of_its_table_row_and_from_no_other(string name, string status)
    {
        var move = BackupMoves.All.Single(m => m.Name == name);
        using var database = new SqliteBackups();
        var backup = database.Add(status, b =>
        {
            // Work a host began (what abandon and stop find); none begun for the moves that claim work.
            b.WorkStartedAt = move == BackupMoves.BeginCreate || move == BackupMoves.StartRestore ? null : DateTime.UtcNow.AddMinutes(-5);
            b.RestoreVolumeId = RestoreVolume;
            b.Host = "host-a";
        });
        var before = database.Row(backup.Id);

        bool moved;
        await using (var db = database.Context())
        {
            moved = await Make[name](new BackupLifecycle(db), backup);
        }

        var after = database.Row(backup.Id);
        var outbox = database.Outbox();
        if (move.From.Contains(status))
        {
            Assert.True(moved);
            Assert.Equal(move == BackupMoves.Reset ? BackupStatus.Error : move.ToFrom(status), after.Status);
            Assert.True(after.UpdatedAt > before.UpdatedAt);
            var events = outbox.Select(m => JsonSerializer.Deserialize<BackupNotification>(m.Body)!).ToList();
            Assert.All(outbox, m => Assert.Equal(typeof(BackupNotification).FullName, m.MessageType));
            Assert.All(events, n => Assert.Equal(backup.Id, n.BackupId));
            string[] expected = move == BackupMoves.Reset ? ["backup.reset_status.start", "backup.reset_status.end"] : move.Event is { } e ? [e] : [];
            Assert.Equal(expected, events.Select(n => n.EventType));
            if (move.Event is not null)
            {
                // The notification tells the row as the move left it.
                Assert.Equal(after.Status, events[^1].Status);
            }
        }
        else
        {
            Assert.False(moved);
            Assert.Equal(before.Status, after.Status);
            Assert.Equal(before.UpdatedAt, after.UpdatedAt);
            Assert.Equal(before.WorkStartedAt, after.WorkStartedAt);
            Assert.Empty(outbox);
        }
    }

    [Fact]
    public void Every_move_of_the_table_has_a_way_to_be_made_and_ends_in_a_status_of_the_table()
    {
        Assert.Equal(BackupMoves.All.Where(m => m != BackupMoves.RequestCreate).Select(m => m.Name).Order(), Make.Keys.Order());
        Assert.Equal(BackupMoves.All.Count, BackupMoves.All.Select(m => m.Name).Distinct().Count());
        Assert.All(BackupMoves.All.Where(m => m.To is not null), m => Assert.Contains(m.To, BackupMoves.Listed.Append(BackupStatus.Deleted)));
    }

    [Fact]
    public async Task A_create_is_begun_once_a_second_claim_finds_it_begun()
    {
        using var database = new SqliteBackups();
        var backup = database.Add(BackupStatus.Creating);
        await using var db = database.Context();
        var lifecycle = new BackupLifecycle(db);

        var first = await lifecycle.BeginCreateAsync(backup.Id, "host-a", "zone-a", "posix", "c", default);
        var second = await lifecycle.BeginCreateAsync(backup.Id, "host-b", "zone-a", "posix", "c", default);

        Assert.NotNull(first);
        Assert.Equal("host-a", first.Host);
        Assert.Null(second);
        Assert.Equal("host-a", database.Row(backup.Id).Host);
        Assert.Single(database.Outbox());
    }

    [Fact]
    public async Task A_restore_to_another_volume_than_the_row_names_is_not_started()
    {
        using var database = new SqliteBackups();
        var backup = database.Add(BackupStatus.Restoring, b => b.RestoreVolumeId = Guid.NewGuid());
        await using var db = database.Context();

        Assert.Null(await new BackupLifecycle(db).StartRestoreAsync(backup.Id, Guid.NewGuid(), "host-a", default));
        Assert.Empty(database.Outbox());
    }

    [Fact]
    public async Task A_completed_create_is_counted_by_its_parent_in_the_same_move()
    {
        using var database = new SqliteBackups();
        var parent = database.Add(BackupStatus.Available);
        var child = database.Add(BackupStatus.Creating, b => b.ParentId = parent.Id);
        await using var db = database.Context();

        Assert.True(await new BackupLifecycle(db).CompleteCreateAsync(child.Id, parent.Id, 1, 1, "{}", default));
        Assert.False(await new BackupLifecycle(db).CompleteCreateAsync(child.Id, parent.Id, 1, 1, "{}", default));
        Assert.Equal(1, database.Row(parent.Id).NumDependentBackups);
    }

    [Fact]
    public async Task A_finished_delete_gives_back_its_parent_count_and_quota_once()
    {
        using var database = new SqliteBackups();
        var parent = database.Add(BackupStatus.Available, b => b.NumDependentBackups = 1);
        var child = database.Add(BackupStatus.Deleting, b => b.ParentId = parent.Id);
        await using var db = database.Context();
        db.QuotaUsages.Add(new QuotaUsage { ProjectId = "project", Resource = QuotaResources.Backups, InUse = 2 });
        await db.SaveChangesAsync();

        Assert.True(await new BackupLifecycle(db).FinishDeleteAsync(child, default));
        Assert.False(await new BackupLifecycle(db).FinishDeleteAsync(child, default));
        var row = database.Row(child.Id);
        Assert.True(row.Deleted);
        Assert.NotNull(row.DeletedAt);
        Assert.Equal(0, database.Row(parent.Id).NumDependentBackups);
        await using var check = database.Context();
        Assert.Equal(1, check.QuotaUsages.Single(u => u.Resource == QuotaResources.Backups).InUse);
    }

    [Fact]
    public async Task A_stranded_create_is_abandoned_only_if_it_is_still_the_work_that_was_found()
    {
        using var database = new SqliteBackups();
        var found = database.Add(BackupStatus.Creating, b => b.WorkStartedAt = DateTime.UtcNow.AddMinutes(-5));
        await using (var db = database.Context())
        {
            // Begun again meanwhile (a replay re-armed it and another host claimed it).
            db.Backups.Single(b => b.Id == found.Id).WorkStartedAt = DateTime.UtcNow;
            await db.SaveChangesAsync();
        }

        await using (var db = database.Context())
        {
            Assert.False(await new BackupLifecycle(db).AbandonAsync(found, "host died", default));
        }

        Assert.Equal(BackupStatus.Creating, database.Row(found.Id).Status);
    }

    [Fact]
    public async Task A_fail_reason_is_bounded_to_cinders_column()
    {
        using var database = new SqliteBackups();
        var backup = database.Add(BackupStatus.Creating);
        await using var db = database.Context();

        await new BackupLifecycle(db).FailCreateAsync(backup.Id, new string('x', 400), default);

        Assert.Equal(255, database.Row(backup.Id).FailReason!.Length);
    }

    [Fact]
    public async Task A_move_in_the_callers_transaction_commits_with_it_or_not_at_all()
    {
        using var database = new SqliteBackups();
        var backup = database.Add(BackupStatus.Available);
        await using (var db = database.Context())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            Assert.True(await new BackupLifecycle(db).BeginDeleteAsync(backup.Id, default));
            await transaction.RollbackAsync();
        }

        Assert.Equal(BackupStatus.Available, database.Row(backup.Id).Status);
    }

    [Fact]
    public async Task A_reset_to_another_status_than_cinder_allows_is_refused()
    {
        using var database = new SqliteBackups();
        var backup = database.Add(BackupStatus.Available);
        await using var db = database.Context();

        await Assert.ThrowsAsync<ArgumentException>(() => new BackupLifecycle(db).ResetAsync(backup, BackupStatus.Creating, default));
        Assert.Empty(database.Outbox());
    }

    /// <summary>The row as a stranded-work scan saw it: in <paramref name="status"/>, begun when the row says.</summary>
    private static Backup Seen(Backup backup, string status) => new()
    {
        Id = backup.Id,
        ProjectId = backup.ProjectId,
        UserId = backup.UserId,
        Status = status,
        WorkStartedAt = backup.WorkStartedAt,
        RestoreVolumeId = backup.RestoreVolumeId,
    };
}
