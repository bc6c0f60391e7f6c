using BackupPlatform.Hosting;
using BackupPlatform.Hosting.Telemetry;
using BackupPlatform.Storage.Engine;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackupPlatform.Worker;

/// <summary>A backup worker host: runs backups, restores and deletes from its own queue backup-worker.{host}.</summary>
public static class WorkerApp
{
    public static BusParticipant Bus(IConfiguration configuration)
    {
        var options = ReadOptions(configuration);
        return new BusParticipant(
            bus => bus.AddConsumer<BackupCommandConsumer>(),
            (context, endpoints) => endpoints.ReceiveEndpoint(QueueNames.Worker(options.Host), e =>
            {
                if (options.MaxOperations > 0)
                {
                    e.ConcurrentMessageLimit = options.MaxOperations;
                    e.PrefetchCount = options.MaxOperations;
                }

                e.ConfigureConsumer<BackupCommandConsumer>(context);
            }),
            $"worker.{options.Host}");
    }

    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddBackupPlatformTelemetry("backupplatform-worker");
        builder.Services.AddWorker(builder.Configuration);
        builder.Services.AddBackupPlatformBus(builder.Configuration, Bus(builder.Configuration));
        var app = builder.Build();
        app.MapHealth();
        return app;
    }

    public static IServiceCollection AddWorker(this IServiceCollection services, IConfiguration configuration)
    {
        var worker = ReadOptions(configuration);
        services.AddSingleton(worker);

        // The bus (registered after the heartbeat, so stopped before it) stops taking messages and waits
        // for the consumers in flight; only past the drain timeout is their cancellation token cancelled.
        services.Configure<MassTransitHostOptions>(o =>
        {
            o.ConsumerStopTimeout = worker.ShutdownDrainTimeout;
            o.StopTimeout = worker.ShutdownDrainTimeout + TimeSpan.FromSeconds(15);
        });
        services.Configure<HostOptions>(o => o.ShutdownTimeout = worker.ShutdownDrainTimeout + TimeSpan.FromSeconds(30));
        var store = configuration.GetSection(StoreOptions.Section).Get<StoreOptions>() ?? new StoreOptions();
        services.AddSingleton(store);
        services.AddSingleton(StoreFactory.Create(store));
        // A malformed engine setting or encryption key stops the worker at start, not its first backup.
        var engine = configuration.GetSection(EngineOptions.Section).Get<EngineOptions>() ?? new EngineOptions();
        engine.Validate();
        services.AddSingleton(engine);
        services.AddSingleton<OperationSlots>();
        services.AddSingleton<DrainDeadline>();
        services.AddVolumeServiceClient(configuration);
        services.TryAddScoped<StrandedBackups>();
        services.AddScoped<BackupManager>();
        services.AddSingleton(VolumeConnectors.Settings.From(configuration));
        services.AddSingleton<VolumeConnectors>();
        services.AddVolumeDataClient();
        services.AddScoped<FailedBackupRearm>();
        services.TryAddScoped<Hosting.Journal.ConsumeNote>();
        services.AddSingleton<BackupNotifier>();
        // The lifecycle's notifications go through the outbox: the worker relays its own rows.
        services.AddOutboxRelay();
        services.AddSingleton<RestoreCancellation>();
        services.AddBackupPlatformDatabase<BackupPlatform.Data.BackupDbContext>(configuration, BackupPlatform.Data.BackupDbContextHistory.Table);
        services.AddHostedService<StoreSetupCheck>();
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: [Health.ReadyTag]);
        services.AddHostedService<HeartbeatPublisher>();
        services.AddSingleton(configuration.GetSection(GarbageCollectionOptions.Section).Get<GarbageCollectionOptions>() ?? new GarbageCollectionOptions());
        services.AddSingleton<StoreGarbageCollection>();
        services.AddHostedService(provider => provider.GetRequiredService<StoreGarbageCollection>());
        services.AddHostedService<IncompleteWorkCleanup>();
        return services;
    }

    private static WorkerOptions ReadOptions(IConfiguration configuration) =>
        configuration.GetSection(WorkerOptions.Section).Get<WorkerOptions>() ?? new WorkerOptions();
}
