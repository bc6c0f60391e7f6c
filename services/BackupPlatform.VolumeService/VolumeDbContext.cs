using BackupPlatform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BackupPlatform.VolumeService;

/// <summary>The volume service's own tables; its migrations history is separate from the backup tables'.</summary>
/// <remarks>New migration: <c>dotnet ef migrations add NAME --project services/BackupPlatform.VolumeService</c>.</remarks>
public sealed class VolumeDbContext(DbContextOptions<VolumeDbContext> options) : DbContext(options)
{
    public const string HistoryTable = "__volume_migrations";

    public DbSet<Volume> Volumes => Set<Volume>();

    public DbSet<Snapshot> Snapshots => Set<Snapshot>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Volume>(volume =>
        {
            volume.ToTable("volumes");
            volume.HasKey(v => v.Id);
            volume.Property(v => v.ProjectId).HasMaxLength(255);
            volume.Property(v => v.UserId).HasMaxLength(255);
            volume.Property(v => v.Name).HasMaxLength(255);
            volume.Property(v => v.Description).HasMaxLength(255);
            volume.Property(v => v.Status).HasMaxLength(255);
            volume.Property(v => v.PreviousStatus).HasMaxLength(255);
            volume.Property(v => v.AvailabilityZone).HasMaxLength(255);
            volume.Property(v => v.Host).HasMaxLength(255);
            volume.HasIndex(v => new { v.ProjectId, v.Deleted });
        });
        modelBuilder.Entity<Snapshot>(snapshot =>
        {
            snapshot.ToTable("snapshots");
            snapshot.HasKey(s => s.Id);
            snapshot.Property(s => s.ProjectId).HasMaxLength(255);
            snapshot.Property(s => s.UserId).HasMaxLength(255);
            snapshot.Property(s => s.Name).HasMaxLength(255);
            snapshot.Property(s => s.Description).HasMaxLength(255);
            snapshot.Property(s => s.Status).HasMaxLength(255);
            snapshot.HasIndex(s => new { s.ProjectId, s.Deleted });
            snapshot.HasIndex(s => s.VolumeId);
        });
        modelBuilder.UseSnakeCaseNames();
    }
}

/// <summary>Lets `dotnet ef` build PostgreSQL migrations without a running service.</summary>
internal sealed class VolumeDbContextDesignTimeFactory : IDesignTimeDbContextFactory<VolumeDbContext>
{
    public VolumeDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<VolumeDbContext>();
        builder.UseConfiguredDatabase(new DatabaseOptions { Provider = "postgres", ConnectionString = "Host=localhost;Database=design" }, VolumeDbContext.HistoryTable);
        return new VolumeDbContext(builder.Options);
    }
}
