using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace BackupPlatform.Data;

public static class DatabaseSetup
{
    /// <summary>Point a context at the configured provider.</summary>
    public static DbContextOptionsBuilder UseConfiguredDatabase(this DbContextOptionsBuilder builder, DatabaseOptions options, string migrationsHistoryTable)
    {
        return options.Provider.ToLowerInvariant() switch
        {
            "postgres" or "postgresql" => builder.UseNpgsql(options.ConnectionString, npgsql => npgsql.MigrationsHistoryTable(migrationsHistoryTable)),
            "sqlite" => builder.UseSqlite(options.ConnectionString),
            _ => throw new InvalidOperationException($"Unknown database provider '{options.Provider}': use postgres or sqlite."),
        };
    }

    /// <summary>
    /// Bring the schema up to date: migrations on PostgreSQL (EF takes a lock, so several services may
    /// start at once), the model as it is on SQLite, whose file belongs to one all-in-one process.
    /// </summary>
    public static async Task PrepareSchemaAsync(this DbContext context, CancellationToken cancellationToken)
    {
        if (context.Database.IsSqlite())
        {
            var path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(context.Database.GetConnectionString()).DataSource;
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            // Several contexts share one SQLite file, so EnsureCreated (which skips a file that has any
            // table) will not do: each context creates its own tables when they are not there yet.
            var creator = context.GetService<Microsoft.EntityFrameworkCore.Storage.IRelationalDatabaseCreator>();
            if (!await creator.ExistsAsync(cancellationToken))
            {
                await creator.CreateAsync(cancellationToken);
            }

            var table = context.Model.GetEntityTypes().Select(e => e.GetTableName()).First(t => t is not null)!;
            var existing = await context.Database
                .SqlQuery<int>($"SELECT count(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = {table}")
                .SingleAsync(cancellationToken);
            if (existing == 0)
            {
                await creator.CreateTablesAsync(cancellationToken);
            }

            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            return;
        }

        // Services that migrate at start (Migrate=Start: compose, cluster.sh) start at once: exactly one applies each migration.
        await DatabaseLock.RunAsync(context, context.GetType().FullName!, ct => context.Database.MigrateAsync(ct), cancellationToken);
    }
}
