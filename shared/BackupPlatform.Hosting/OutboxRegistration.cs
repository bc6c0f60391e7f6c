using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackupPlatform.Hosting;

public static class OutboxRegistration
{
    /// <summary>Runs the outbox relay in a service that writes outbox messages; once per process.</summary>
    public static IServiceCollection AddOutboxRelay(this IServiceCollection services)
    {
        services.TryAddSingleton<OutboxSignal>();
        if (services.All(d => d.ImplementationType != typeof(OutboxRelay)))
        {
            services.AddSingleton<OutboxRelay>();
            services.AddHostedService(sp => sp.GetRequiredService<OutboxRelay>());
        }

        return services;
    }
}
