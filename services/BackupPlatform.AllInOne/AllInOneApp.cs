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

        builder.Services.AddVolumeService(builder.Configuration);
        builder.Services.AddApi(builder.Configuration);
        builder.Services.AddScheduler(builder.Configuration);
        builder.Services.AddWorker(builder.Configuration);
        builder.Services.AddBackupPlatformBus(
            builder.Configuration,
            VolumeServiceApp.Bus,
            ApiApp.Bus,
            SchedulerApp.Bus,
            WorkerApp.Bus(builder.Configuration));

        var app = builder.Build();
        app.UseCinderApi();
        app.MapHealth();
        app.MapApi();
        app.MapVolumesApi();
        app.MapSnapshotsApi();
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
}
