using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Data;

/// <summary>
/// Backups, the worker registry, the outbox, backup quotas, API tokens and the message journal.
/// PostgreSQL in production (migrations in Migrations/);
/// SQLite in the all-in-one, created from the model.
/// </summary>
/// <remarks>
/// New migration: <c>dotnet ef migrations add NAME --project shared/BackupPlatform.Data</c>
/// (the design-time factory targets PostgreSQL).
/// </remarks>
public sealed class BackupDbContext(DbContextOptions<BackupDbContext> options) : DbContext(options)
{
    public DbSet<Backup> Backups => Set<Backup>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<BackupServiceHost> BackupServices => Set<BackupServiceHost>();

    public DbSet<QuotaLimit> QuotaLimits => Set<QuotaLimit>();

    public DbSet<QuotaUsage> QuotaUsages => Set<QuotaUsage>();

    public DbSet<AuthToken> AuthTokens => Set<AuthToken>();

    public DbSet<JournalEntry> Journal => Set<JournalEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Backup>(backup =>
        {
            backup.ToTable("backups");
            backup.HasKey(b => b.Id);
            backup.Property(b => b.ProjectId).HasMaxLength(255);
            backup.Property(b => b.UserId).HasMaxLength(255);
            backup.Property(b => b.Status).HasMaxLength(255);
            backup.Property(b => b.DisplayName).HasMaxLength(255);
            backup.Property(b => b.DisplayDescription).HasMaxLength(255);
            backup.Property(b => b.Container).HasMaxLength(255);
            backup.Property(b => b.Service).HasMaxLength(255);
            backup.Property(b => b.AvailabilityZone).HasMaxLength(255);
            backup.Property(b => b.Host).HasMaxLength(255);
            backup.HasIndex(b => new { b.ProjectId, b.Deleted });
            backup.HasIndex(b => b.VolumeId);
            backup.HasIndex(b => new { b.Host, b.Status });
        });

        modelBuilder.Entity<OutboxMessage>(message =>
        {
            message.ToTable("outbox_messages");
            // The sequence is the key because only a key autoincrements on SQLite as on PostgreSQL.
            message.HasKey(m => m.Sequence);
            message.Property(m => m.Sequence).ValueGeneratedOnAdd();
            message.HasIndex(m => m.Id).IsUnique();
            message.Property(m => m.MessageType).HasMaxLength(512);
            message.Property(m => m.Destination).HasMaxLength(255);
            message.HasIndex(m => new { m.SentAt, m.Sequence });
            message.Property(m => m.TraceParent).HasMaxLength(128);
        });

        modelBuilder.Entity<BackupServiceHost>(host =>
        {
            host.ToTable("backup_services");
            host.HasKey(h => h.Host);
            host.Property(h => h.Host).HasMaxLength(255);
            host.Property(h => h.AvailabilityZone).HasMaxLength(255);
            host.Property(h => h.DisabledReason).HasMaxLength(255);
        });

        modelBuilder.Entity<QuotaLimit>(quota =>
        {
            quota.ToTable("quotas");
            quota.HasKey(q => new { q.ProjectId, q.Resource });
            quota.Property(q => q.ProjectId).HasMaxLength(255);
            quota.Property(q => q.Resource).HasMaxLength(255);
        });

        modelBuilder.Entity<QuotaUsage>(usage =>
        {
            usage.ToTable("quota_usages");
            usage.HasKey(u => new { u.ProjectId, u.Resource });
            usage.Property(u => u.ProjectId).HasMaxLength(255);
            usage.Property(u => u.Resource).HasMaxLength(255);
        });

        modelBuilder.Entity<AuthToken>(token =>
        {
            token.ToTable("auth_tokens");
            token.HasKey(t => t.TokenHash);
            token.Property(t => t.TokenHash).HasMaxLength(64);
            token.Property(t => t.UserId).HasMaxLength(255);
            token.Property(t => t.ProjectId).HasMaxLength(255);
            token.Property(t => t.Roles).HasMaxLength(255);
            token.Property(t => t.Description).HasMaxLength(255);
            token.Ignore(t => t.IsAdmin);
        });

        modelBuilder.Entity<JournalEntry>(entry =>
        {
            entry.ToTable("message_journal");
            entry.HasKey(e => e.Sequence);
            entry.Property(e => e.Sequence).ValueGeneratedOnAdd();
            entry.Property(e => e.Kind).HasMaxLength(16);
            entry.Property(e => e.Outcome).HasMaxLength(16);
            entry.Property(e => e.MessageType).HasMaxLength(512);
            entry.Property(e => e.ContractVersion).HasMaxLength(16);
            entry.Property(e => e.SourceAddress).HasMaxLength(512);
            entry.Property(e => e.DestinationAddress).HasMaxLength(512);
            entry.Property(e => e.Service).HasMaxLength(255);
            entry.HasIndex(e => e.MessageId);
            entry.HasIndex(e => e.BackupId);
            entry.HasIndex(e => e.RecordedAt);
        });

        modelBuilder.UseSnakeCaseNames();
    }
}
