using BackupPlatform.Data;
using BackupPlatform.Hosting;
using BackupPlatform.Hosting.Telemetry;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackupPlatform.Scheduler;

/// <summary>The scheduler: keeps the worker registry from heartbeats and routes each backup command to a host's queue.</summary>
public static class SchedulerApp
{
    public static readonly BusParticipant Bus = new(
        bus =>
        {
            bus.AddConsumer<BackupRoutingConsumer>();
            bus.AddConsumer<HeartbeatConsumer>();
        },
        (context, endpoints) =>
        {
            endpoints.ReceiveEndpoint(QueueNames.Scheduler, e =>
            {
                // Many commands at once, so that one waiting for a host in its zone holds up no other;
                // decisions of the same zone are still made one at a time (HostSelector.RouteAsync), so
                // each sees the load the previous one added, in this replica and in any other.
                var limit = context.GetRequiredService<SchedulerOptions>().RoutingConcurrency;
                e.PrefetchCount = limit;
                e.ConcurrentMessageLimit = limit;
                e.ConfigureConsumer<BackupRoutingConsumer>(context);
            });
            endpoints.ReceiveEndpoint($"{QueueNames.Scheduler}.heartbeats", e => e.ConfigureConsumer<HeartbeatConsumer>(context));
        },
        "scheduler");

    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddBackupPlatformTelemetry("backupplatform-scheduler");
        builder.Services.AddScheduler(builder.Configuration);
        builder.Services.AddBackupPlatformBus(builder.Configuration, Bus);
        var app = builder.Build();
        app.MapHealth();
        return app;
    }

    public static IServiceCollection AddScheduler(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection(SchedulerOptions.Section).Get<SchedulerOptions>() ?? new SchedulerOptions());
        services.TryAddSingleton(configuration.GetSection(ServiceRegistryOptions.Section).Get<ServiceRegistryOptions>() ?? new ServiceRegistryOptions());
        services.AddScoped<HostSelector>();
        var bus = configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions();
        if (bus.Transport.Equals("rabbitmq", StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton<IHostQueueDrain, RabbitMqHostQueueDrain>();
        }
        else
        {
            services.AddSingleton<IHostQueueDrain, InMemoryHostQueueDrain>();
        }

        services.AddQueueDepthMetrics(bus);
        services.AddOutboxRelay();
        services.AddVolumeServiceClient(configuration);
        services.TryAddScoped<StrandedBackups>();
        services.AddHostedService<HostFailover>();
        services.AddBackupPlatformDatabase<BackupDbContext>(configuration, BackupDbContextHistory.Table);
        return services;
    }
}
