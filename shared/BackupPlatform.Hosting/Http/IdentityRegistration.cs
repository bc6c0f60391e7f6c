using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackupPlatform.Hosting.Http;

public static class IdentityRegistration
{
    public static IServiceCollection AddHttpIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new AuthOptions();
        configuration.GetSection(AuthOptions.Section).Bind(options);
        if (configuration.GetSection($"{AuthOptions.Section}:AdminUsers").Exists())
        {
            // Bind appends to the default list; a configured list replaces it.
            options.AdminUsers = configuration.GetSection($"{AuthOptions.Section}:AdminUsers").Get<List<string>>() ?? [];
        }

        if (!options.IsTokenMode && !string.Equals(options.Mode, "noauth", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"BackupPlatform:Auth:Mode '{options.Mode}' is not known: use noauth or token.");
        }

        services.TryAddSingleton(options);
        if (options.IsTokenMode)
        {
            // Tokens live in the backup database, also for a service (the volume service) that keeps nothing else there.
            services.AddBackupPlatformDatabase<BackupPlatform.Data.BackupDbContext>(configuration, BackupPlatform.Data.BackupDbContextHistory.Table);
        }

        return services;
    }
}
