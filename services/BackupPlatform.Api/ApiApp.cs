using BackupPlatform.Data;
using BackupPlatform.Hosting;
using BackupPlatform.Hosting.Admin;
using BackupPlatform.Hosting.Http;
using BackupPlatform.Hosting.Telemetry;

namespace BackupPlatform.Api;

/// <summary>The tenant-facing HTTP API (Cinder v3 backups). It consumes nothing; it sends commands through its outbox.</summary>
public static class ApiApp
{
    public static readonly BusParticipant Bus = new(_ => { }, (_, _) => { }, "api");

    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddBackupPlatformTelemetry("backupplatform-api");
        builder.Services.AddApi(builder.Configuration);
        builder.Services.AddBackupPlatformBus(builder.Configuration, Bus);
        var app = builder.Build();
        app.UseCinderApi();
        app.MapHealth();
        app.MapApi();
        app.MapVolumesProxy(app.Services.GetRequiredService<VolumeServiceClientOptions>());
        app.MapCinderFallback();
        return app;
    }

    public static IServiceCollection AddApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHttpIdentity(configuration);
        services.AddBackupPlatformDatabase<BackupDbContext>(configuration, BackupDbContextHistory.Table);
        services.AddOutboxRelay();
        services.AddSingleton(configuration.GetSection(QuotaOptions.Section).Get<QuotaOptions>() ?? new QuotaOptions());
        services.AddServicesApi(configuration);
        services.AddAdminOperations(configuration);
        services.AddVolumeServiceClient(configuration);
        services.AddHttpClient(VolumesProxy.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        return services;
    }

    public static void MapApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapVersionsApi();
        endpoints.MapBackupsApi();
        endpoints.MapBackupActionsApi();
        endpoints.MapServicesApi();
        endpoints.MapQuotasApi();
        endpoints.MapMessagesAdminApi();
    }
}
