using BackupPlatform.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackupPlatform.Hosting.Admin;

public static class AdminRegistration
{
    /// <summary>The journal and error-queue operations (admin tool, admin HTTP API); the bus is registered separately.</summary>
    public static IServiceCollection AddAdminOperations(this IServiceCollection services, IConfiguration configuration)
    {
        // A no-op where the service already keeps its backups in that database.
        services.AddBackupPlatformDatabase<BackupDbContext>(configuration, BackupDbContextHistory.Table);

        services.TryAddSingleton(configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions());
        services.AddHttpClient();
        services.TryAddScoped<MessageOperations>();
        services.TryAddSingleton<RabbitMqManagement>();
        services.TryAddSingleton<ErrorQueues>();
        return services;
    }
}
