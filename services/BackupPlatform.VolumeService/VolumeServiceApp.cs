using BackupPlatform.Hosting;
using BackupPlatform.Hosting.Http;
using BackupPlatform.Hosting.Telemetry;
using MassTransit;

namespace BackupPlatform.VolumeService;

/// <summary>The reference volume service: file-backed volumes over HTTP, and the volume-service contract on the bus.</summary>
public static class VolumeServiceApp
{
    public static readonly BusParticipant Bus = new(
        bus => bus.AddConsumer<VolumeContractConsumer>(),
        (context, endpoints) => endpoints.ReceiveEndpoint(QueueNames.VolumeService, e => e.ConfigureConsumer<VolumeContractConsumer>(context)),
        "volume-service");

    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddBackupPlatformTelemetry("backupplatform-volume-service");
        builder.Services.AddVolumeService(builder.Configuration);
        builder.Services.AddBackupPlatformBus(builder.Configuration, Bus);
        var app = builder.Build();
        app.UseCinderApi();
        app.MapHealth();
        app.MapVolumesApi();
        app.MapSnapshotsApi();
        app.MapVolumeContractApi();
        app.MapVolumeDataApi();
        app.MapCinderFallback();
        return app;
    }

    /// <summary>Everything but the bus, so that the all-in-one can put this service's consumers on its one bus.</summary>
    public static IServiceCollection AddVolumeService(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(VolumeServiceOptions.Section).Get<VolumeServiceOptions>() ?? new VolumeServiceOptions();
        services.AddSingleton(options);
        services.AddSingleton<VolumeFiles>();
        services.AddSingleton<VolumesMarker>();
        services.AddHostedService(provider => provider.GetRequiredService<VolumesMarker>());
        services.AddSingleton<VolumeExports>();
        services.AddScoped<VolumeReservations>();
        services.AddScoped<VolumeCreator>();
        services.AddScoped<VolumeContract>();
        services.AddHttpIdentity(configuration);
        services.AddBackupPlatformDatabase<VolumeDbContext>(configuration, VolumeDbContext.HistoryTable);
        return services;
    }
}
