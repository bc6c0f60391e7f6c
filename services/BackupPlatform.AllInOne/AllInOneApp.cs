using System.Security.Cryptography;
using BackupPlatform.Hosting.Http;
using BackupPlatform.Api;
using BackupPlatform.Hosting;
using BackupPlatform.Scheduler;
using BackupPlatform.VolumeService;
using BackupPlatform.Worker;
using BackupPlatform.Hosting.Telemetry;

namespace BackupPlatform.AllInOne;

/// <summary>
/// API, scheduler, one worker and the volume service in one process: in-memory bus, SQLite and a
/// posix store under ./data. Nothing to install; for a laptop, a demo or a first look.
/// </summary>
public static class AllInOneApp
{
    public const string DefaultUrl = "http://127.0.0.1:8776";

    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddBackupPlatformTelemetry("backupplatform-all-in-one");
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.AddSingleton(OwnVolumeService(builder.Configuration));
        builder.Services.AddVolumeService(builder.Configuration);
        builder.Services.AddApi(builder.Configuration);
        builder.Services.AddScheduler(builder.Configuration);
        builder.Services.AddWorker(builder.Configuration);
        builder.Services.AddBackupPlatformBus(
            builder.Configuration,
            ApiApp.Bus,
            SchedulerApp.Bus,
            WorkerApp.Bus(builder.Configuration));

        var app = builder.Build();
        app.UseCinderApi();
        app.MapHealth();
        app.MapApi();
        app.MapVolumesApi();
        app.MapSnapshotsApi();
        app.MapVolumeContractApi();
        app.MapVolumeDataApi();
        app.MapCinderFallback();
        var auth = app.Services.GetRequiredService<BackupPlatform.Hosting.Http.AuthOptions>();
        if (!auth.IsTokenMode)
        {
            app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogWarning(
                "AUTHENTICATION IS OFF (noauth): X-Auth-Token user:project is trusted as sent. Administrators: {Admins}. Do not expose this endpoint.",
                string.Join(", ", auth.AdminUsers)));
        }
        return app;
    }

    /// <summary>
    /// The all-in-one calls its own volume contract over loopback HTTP rather than in-process: the
    /// one transport the separate services use, so the same client, resilience pipeline, routes and
    /// serialization run here as in production (and the all-in-one, the cheapest realistic host,
    /// exercises them), for the price of a loopback round trip per call (five per backup). Unless set,
    /// the address is its own listening address and the service token a random one of this process.
    /// </summary>
    private static VolumeServiceClientOptions OwnVolumeService(ConfigurationManager configuration)
    {
        var options = VolumeServiceClientOptions.Read(configuration);
        options.ServiceToken ??= Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        if (!string.IsNullOrEmpty(options.Url))
        {
            return options;
        }

        var listen = (configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        // Kestrel's wildcards (http://*:8776, http://+:8776, 0.0.0.0, [::]) are not addresses to call: loopback is.
        var own = new UriBuilder(listen.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal));
        if (own.Host is "0.0.0.0" or "[::]" or "localhost")
        {
            own.Host = "127.0.0.1";
        }

        if (own.Port == 0)
        {
            throw new InvalidOperationException(
                $"The all-in-one calls its volume service over loopback HTTP, but it listens on a port chosen at start ({listen}): give it a fixed port or set {VolumeServiceClientOptions.Section}:Url.");
        }

        options.Url = own.Uri.ToString();
        return options;
    }
}
