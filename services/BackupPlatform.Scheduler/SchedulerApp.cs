using BackupPlatform.Data;
using BackupPlatform.Hosting;
using MassTransit;

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
            endpoints.ReceiveEndpoint(QueueNames.Scheduler, e => e.ConfigureConsumer<BackupRoutingConsumer>(context));
            endpoints.ReceiveEndpoint($"{QueueNames.Scheduler}.heartbeats", e => e.ConfigureConsumer<HeartbeatConsumer>(context));
        });

    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddScheduler(builder.Configuration);
        builder.Services.AddBackupPlatformBus(builder.Configuration, Bus);
        return builder.Build();
    }

    public static IServiceCollection AddScheduler(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection(SchedulerOptions.Section).Get<SchedulerOptions>() ?? new SchedulerOptions());
        services.AddScoped<HostSelector>();
        services.AddBackupPlatformDatabase<BackupDbContext>(configuration, BackupDbContextHistory.Table);
        return services;
    }
}
