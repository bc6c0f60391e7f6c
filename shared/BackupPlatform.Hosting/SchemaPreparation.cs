using BackupPlatform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackupPlatform.Hosting;

/// <summary>One context's schema, brought up to date by <see cref="SchemaPreparation{TContext}"/>.</summary>
internal interface ISchemaPreparation
{
    Task MigrateAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Migrates (PostgreSQL) or creates (SQLite) a context's schema when the host starts, or, when a
/// migration job owns that (BackupPlatform:Database:Migrate=Wait), holds the start until the job has
/// applied every migration this build knows, so that no service runs on an older schema.
/// </summary>
internal sealed class SchemaPreparation<TContext>(IServiceScopeFactory scopes, DatabaseOptions options, ILogger<SchemaPreparation<TContext>> logger)
    : IHostedService, ISchemaPreparation
    where TContext : DbContext
{
    private static readonly TimeSpan WaitInterval = TimeSpan.FromSeconds(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<TContext>();
        if (options.Migrate != SchemaMigration.Wait || context.Database.IsSqlite())
        {
            // SQLite's file belongs to one all-in-one process: nobody else could prepare it.
            await context.PrepareSchemaAsync(cancellationToken);
            return;
        }

        while (true)
        {
            var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count == 0)
            {
                return;
            }

            logger.LogWarning(
                "Waiting for the migration job: {Count} migrations of {Context} not applied yet, the first {Migration} (BackupPlatform:Database:Migrate=Wait)",
                pending.Count,
                typeof(TContext).Name,
                pending[0]);
            await Task.Delay(WaitInterval, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TContext>().PrepareSchemaAsync(cancellationToken);
        logger.LogInformation("Schema of {Context} is up to date", typeof(TContext).Name);
    }
}

public static class SchemaMigrationHost
{
    /// <summary>
    /// Runs the host, or with BackupPlatform:Database:Migrate=Only brings every schema the service
    /// uses up to date and returns without starting anything else (no bus, no server): the Helm
    /// chart's pre-install/pre-upgrade Job runs the service image this way.
    /// </summary>
    public static async Task RunOrMigrateAsync(this IHost host)
    {
        if (host.Services.GetService<DatabaseOptions>() is not { Migrate: SchemaMigration.Only })
        {
            await host.RunAsync();
            return;
        }

        try
        {
            foreach (var schema in host.Services.GetServices<ISchemaPreparation>())
            {
                await schema.MigrateAsync(CancellationToken.None);
            }
        }
        finally
        {
            if (host is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
            else
            {
                host.Dispose();
            }
        }
    }
}
