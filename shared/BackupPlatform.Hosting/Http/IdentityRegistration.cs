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

        services.TryAddSingleton(options);
        return services;
    }
}
