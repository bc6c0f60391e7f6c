using BackupPlatform.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Tests;

/// <summary>A backups database in SQLite memory, as the all-in-one's schema, for one test.</summary>
public sealed class SqliteBackups : IDisposable
{
    private readonly SqliteConnection _connection = new("DataSource=:memory:");

    public SqliteBackups()
    {
        _connection.Open();
        using var db = Context();
        db.Database.EnsureCreated();
    }

    public BackupDbContext Context() => new(new DbContextOptionsBuilder<BackupDbContext>().UseSqlite(_connection).Options);

    public Backup Add(string status, Action<Backup>? describe = null)
    {
        using var db = Context();
        var backup = new Backup
        {
            Id = Guid.NewGuid(),
            ProjectId = "project",
            UserId = "user",
            VolumeId = Guid.NewGuid(),
            Status = status,
            Size = 1,
            CreatedAt = DateTime.UtcNow,
            UpdatedAt = DateTime.UtcNow.AddMinutes(-1),
        };
        describe?.Invoke(backup);
        db.Backups.Add(backup);
        db.SaveChanges();
        return backup;
    }

    public Backup Row(Guid id)
    {
        using var db = Context();
        return db.Backups.AsNoTracking().Single(b => b.Id == id);
    }

    public List<OutboxMessage> Outbox()
    {
        using var db = Context();
        return db.OutboxMessages.AsNoTracking().OrderBy(m => m.Sequence).ToList();
    }

    public void Dispose() => _connection.Dispose();
}
