using BackupPlatform.Hosting.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackupPlatform.Hosting;

public static class OutboxRegistration
{
    /// <summary>
    /// Runs the outbox relay in a service that writes outbox messages, once per process, and gives it the
    /// backup lifecycle (every move writes its notification to the outbox).
    /// </summary>
    public static IServiceCollection AddOutboxRelay(this IServiceCollection services)
    {
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddScoped<BackupLifecycle>();
        if (services.All(d => d.ImplementationType != typeof(OutboxRelay)))
        {
            services.AddSingleton<OutboxRelay>();
            services.AddHostedService(sp => sp.GetRequiredService<OutboxRelay>());
        }

        return services;
    }
}
