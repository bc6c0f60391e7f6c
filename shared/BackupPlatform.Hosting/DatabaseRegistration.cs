using BackupPlatform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace BackupPlatform.Hosting;

public static class DatabaseRegistration
{
    /// <summary>
    /// Registers a context on the configured database and brings its schema up to date before the
    /// rest of the host starts (register it before the bus, so no consumer runs on an old schema).
    /// </summary>
    public static IServiceCollection AddBackupPlatformDatabase<TContext>(this IServiceCollection services, IConfiguration configuration, string migrationsHistoryTable)
        where TContext : DbContext
    {
        if (services.Any(d => d.ServiceType == typeof(TContext)))
        {
            // Several parts of one host (the API, the journal, token auth, the all-in-one's services) ask for it.
            return services;
        }

        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.TryAddSingleton(options);
        services.AddDbContext<TContext>(builder => builder.UseConfiguredDatabase(options, migrationsHistoryTable));
        services.AddSingleton<SchemaPreparation<TContext>>();
        services.AddSingleton<ISchemaPreparation>(sp => sp.GetRequiredService<SchemaPreparation<TContext>>());
        services.AddHostedService(sp => sp.GetRequiredService<SchemaPreparation<TContext>>());
        services.AddDatabaseHealth<TContext>($"database-{typeof(TContext).Name}");

        // Every SQL statement at Information drowns a service's own log, and EF logs its probe of a
        // migrations table that does not exist yet as a failure; real SQL errors surface as exceptions.
        services.AddLogging(logging => logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None));
        return services;
    }
}
