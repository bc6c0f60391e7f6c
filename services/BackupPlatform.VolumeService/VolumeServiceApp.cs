using BackupPlatform.Hosting;
using BackupPlatform.Hosting.Http;
using BackupPlatform.Hosting.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackupPlatform.VolumeService;

/// <summary>
/// The reference volume service: file-backed volumes over HTTP, and the volume-service contract over
/// HTTP (<see cref="VolumeContractApi"/>). It takes no part in the bus: nothing it does waits for RabbitMQ.
/// </summary>
public static class VolumeServiceApp
{
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddBackupPlatformTelemetry("backupplatform-volume-service");
        builder.Services.AddVolumeService(builder.Configuration);
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

    /// <summary>The service's parts, also for the all-in-one (which maps them on its own host).</summary>
    public static IServiceCollection AddVolumeService(this IServiceCollection services, IConfiguration configuration)
    {
        // The service token its internal endpoints require (the all-in-one registers its own first).
        services.TryAddSingleton(VolumeServiceClientOptions.Read(configuration));
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
