using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackupPlatform.Hosting.Telemetry;

public static class QueueDepthMetricsRegistration
{
    /// <summary>Queue depths as a metric, when the bus is RabbitMQ (the in-memory bus has no broker to ask).</summary>
    public static IServiceCollection AddQueueDepthMetrics(this IServiceCollection services, BusOptions bus)
    {
        if (bus.Transport.Equals("rabbitmq", StringComparison.OrdinalIgnoreCase))
        {
            services.AddHttpClient();
            services.TryAddSingleton<RabbitMqManagement>();
            services.AddHostedService<QueueDepthMetrics>();
        }

        return services;
    }
}
