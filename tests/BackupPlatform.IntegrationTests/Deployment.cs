using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackupPlatform.Api;
using BackupPlatform.Data;
using BackupPlatform.Scheduler;
using BackupPlatform.VolumeService;
using BackupPlatform.Worker;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackupPlatform.IntegrationTests;

/// <summary>
/// Api, Scheduler, VolumeService and a Worker as four separate hosts, each with its own bus
/// connection and endpoints, over the real RabbitMQ and PostgreSQL; plus a tenant's HTTP clients.
/// </summary>
public sealed class Deployment : IAsyncDisposable
{
    public const string Project = "0123456789abcdef0123456789abcdef";
    public const string WorkerHost = "worker-a";
    public const long GiB = 1024L * 1024 * 1024;
    private const string ServiceToken = "integration-test-service-token";

    private readonly string _postgres;
    private readonly string _rabbit;
    private readonly List<WebApplication> _hosts = [];
    private readonly Dictionary<string, WebApplication> _workers = [];
    private readonly List<System.Diagnostics.Process> _processes = [];
    private readonly string[] _settings;
    private string _volumeServiceUrl = string.Empty;

    private Deployment(string postgres, string rabbit, string virtualHost, string[] settings)
    {
        _settings = settings;
        _postgres = postgres;
        _rabbit = rabbit;
        VirtualHost = virtualHost;
        Root = Directory.CreateTempSubdirectory("bp-deployment-").FullName;
    }

    public string VirtualHost { get; }

    public string Root { get; }

    /// <summary>The posix store: the deployment's own, unless a setting names one (two deployments sharing a store).</summary>
    public string StorePath => _settings.FirstOrDefault(s => s.StartsWith(StoreSetting, StringComparison.Ordinal))?[StoreSetting.Length..] ?? Path.Combine(Root, "store");

    public const string StoreSetting = "--BackupPlatform:Store:Posix:Path=";

    public HttpClient Api { get; private set; } = null!;

    public HttpClient Volumes { get; private set; } = null!;

    /// <summary>The API as an administrator of the project (noauth user "admin").</summary>
    public HttpClient AdminApi { get; private set; } = null!;

    public string PostgresConnectionString => _postgres;

    public string RabbitMqUri => _rabbit;

    public WebApplication? Worker => _workers.GetValueOrDefault(WorkerHost);

    public WebApplication ApiHost { get; private set; } = null!;

    public WebApplication SchedulerHost { get; private set; } = null!;

    /// <param name="settings">Configuration arguments for every host of the deployment, e.g. --BackupPlatform:Scheduler:ServiceDownTime=00:00:05.</param>
    public static Task<Deployment> StartAsync(bool withWorker = true, params string[] settings) => StartOnAsync(null, withWorker, settings);

    /// <param name="rabbitMqUri">A broker of the test's own (<see cref="PrivateRabbitMq"/>) instead of a virtual host on the shared one.</param>
    public static async Task<Deployment> StartOnAsync(string? rabbitMqUri, bool withWorker = true, params string[] settings)
    {
        var (postgres, rabbit, virtualHost) = await TestServers.IsolateAsync();
        var deployment = new Deployment(postgres, rabbitMqUri ?? rabbit, virtualHost, settings);

        // The volume service first: it owns its schema; then the backup services.
        var volumes = await deployment.StartHostAsync(
            VolumeServiceApp.Create,
            $"--BackupPlatform:Volumes:Path={deployment.VolumesPath}",
            "--BackupPlatform:Volumes:AdditionalZones:0=az1",
            "--BackupPlatform:Volumes:AdditionalZones:1=az2",
            // Tests make many volumes in one project; QuotaTests sets its own limits.
            "--BackupPlatform:Volumes:QuotaVolumes=-1",
            "--BackupPlatform:Volumes:QuotaGigabytes=-1",
            $"--BackupPlatform:VolumeService:ServiceToken={ServiceToken}");
        // Every other service calls it over HTTP on the port it listens on, as in production.
        deployment._volumeServiceUrl = Address(volumes);
        deployment.ApiHost = await deployment.StartHostAsync(ApiApp.Create, deployment.VolumeServiceArgs);
        deployment.SchedulerHost = await deployment.StartHostAsync(SchedulerApp.Create, [.. deployment.VolumeServiceArgs, "--BackupPlatform:Scheduler:NoHostGracePeriod=00:00:30"]);
        deployment.Api = Client(deployment.ApiHost);
        deployment.AdminApi = Client(deployment.ApiHost, "admin");
        deployment.Volumes = Client(volumes);
        if (withWorker)
        {
            await deployment.StartWorkerAsync();
        }

        return deployment;
    }

    public string VolumesPath => Path.Combine(Root, "volumes");

    /// <summary>How the API, the scheduler and the workers reach the volume service.</summary>
    public string[] VolumeServiceArgs =>
        [$"--BackupPlatform:VolumeService:Url={_volumeServiceUrl}", $"--BackupPlatform:VolumeService:ServiceToken={ServiceToken}"];

    /// <summary>The arguments a worker of this deployment runs with, in-process or as its own process.</summary>
    public string[] WorkerArgs(string host, string zone, params string[] extra) =>
    [
        .. CommonArgs,
        .. VolumeServiceArgs,
        $"--BackupPlatform:Worker:Host={host}",
        $"--BackupPlatform:Worker:AvailabilityZone={zone}",
        "--BackupPlatform:Worker:HeartbeatInterval=00:00:01",
        // A test that ends with work in flight does not wait the production drain out (WorkerShutdownTests sets its own).
        "--BackupPlatform:Worker:ShutdownDrainTimeout=00:00:05",
        $"--BackupPlatform:Store:Posix:Path={StorePath}",
        // Co-located with the volume service: the worker finds its marker there and gets file connections.
        $"--BackupPlatform:Volumes:Path={VolumesPath}",
        .. extra,
    ];

    /// <summary>Starts a worker host and waits until the scheduler's registry lists it as live.</summary>
    public async Task StartWorkerAsync(string host = WorkerHost, string zone = "nova", params string[] extra)
    {
        var started = DateTime.UtcNow;
        var worker = WorkerApp.Create(WorkerArgs(host, zone, extra));
        await worker.StartAsync();
        _hosts.Add(worker);
        _workers[host] = worker;
        await WaitForHostAsync(host, started);
    }

    public async Task WaitForHostAsync(string host, DateTime heardAfter) =>
        await WaitUntilAsync(async () =>
        {
            await using var db = BackupDb();
            return await db.BackupServices.AnyAsync(h => h.Host == host && h.LastSeen >= heardAfter);
        });

    public async Task StopWorkerAsync(string host = WorkerHost)
    {
        if (_workers.Remove(host, out var worker))
        {
            await worker.StopAsync();
            await worker.DisposeAsync();
            _hosts.Remove(worker);
        }
    }

    /// <summary>
    /// A worker as its own operating-system process (the built BackupPlatform.Worker.dll), for tests
    /// that kill -9 it. Waits until the registry hears from it.
    /// </summary>
    public async Task<System.Diagnostics.Process> StartWorkerProcessAsync(string host, string zone, params string[] extra)
    {
        var started = DateTime.UtcNow;
        var process = StartProcess("BackupPlatform.Worker.dll", host, WorkerArgs(host, zone, extra));
        await WaitForHostAsync(host, started);
        return process;
    }

    /// <summary>An API of this deployment as its own operating-system process, for tests that kill it; its process and address.</summary>
    public async Task<(System.Diagnostics.Process Process, Uri Address)> StartApiProcessAsync()
    {
        var address = new Uri($"http://127.0.0.1:{AllInOneProcess.FreePort()}/");
        var process = StartProcess("BackupPlatform.Api.dll", "api", [.. CommonArgs.Where(a => !a.StartsWith("--urls=", StringComparison.Ordinal)), .. VolumeServiceArgs, $"--urls={address}"]);
        using var probe = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        await WaitUntilAsync(async () =>
        {
            try
            {
                return (await probe.GetAsync("/v3/")).IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, seconds: 120);
        return (process, address);
    }

    /// <summary>
    /// Another scheduler replica as its own operating-system process, on the same database and broker
    /// as the in-process one; returns once the scheduler queue has one more consumer.
    /// </summary>
    public async Task<System.Diagnostics.Process> StartSchedulerProcessAsync(params string[] extra)
    {
        // The deployment's own scheduler first, so that the new consumer is told from it.
        await WaitUntilAsync(async () => await SchedulerConsumersAsync() >= 1);
        var consumers = await SchedulerConsumersAsync();
        var process = StartProcess(
            "BackupPlatform.Scheduler.dll",
            "scheduler",
            [.. CommonArgs, .. VolumeServiceArgs, "--BackupPlatform:Scheduler:NoHostGracePeriod=00:00:30", .. extra]);
        await WaitUntilAsync(async () => await SchedulerConsumersAsync() > consumers);
        return process;
    }

    /// <summary>How many schedulers listen on the scheduler queue.</summary>
    public async Task<uint> SchedulerConsumersAsync()
    {
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(_rabbit) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(BackupPlatform.Hosting.QueueNames.Scheduler)).ConsumerCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // Not declared yet: nobody listens.
            return 0;
        }
    }

    private System.Diagnostics.Process StartProcess(string dll, string name, string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = System.Diagnostics.Process.Start(start)!;
        // Kept after the test (the deployment's own directory is not), for a post-mortem of a failure.
        var log = Path.Combine(Path.GetTempPath(), "backupplatform-test-logs", $"{name}-{process.Id}.log");
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        var writer = TextWriter.Synchronized(new StreamWriter(log) { AutoFlush = true });
        process.OutputDataReceived += (_, e) => writer.WriteLine(e.Data);
        process.ErrorDataReceived += (_, e) => writer.WriteLine(e.Data);
        process.Exited += (_, _) =>
        {
            // Output events can still be queued when Exited fires: the parameterless wait drains them first.
            process.WaitForExit();
            writer.Dispose();
        };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        return process;
    }

    public BackupDbContext BackupDb() =>
        new(new DbContextOptionsBuilder<BackupDbContext>().UseNpgsql(_postgres).Options);

    public VolumeDbContext VolumeDb() =>
        new(new DbContextOptionsBuilder<VolumeDbContext>().UseNpgsql(_postgres).Options);

    public async Task<Guid> CreateVolumeAsync(int sizeGb, string? zone = null)
    {
        var response = await Volumes.PostAsJsonAsync($"/v3/{Project}/volumes", new { volume = new { size = sizeGb, availability_zone = zone } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await ReadAsync(response)).GetProperty("volume").GetProperty("id").GetGuid();
    }

    /// <summary>A full backup of the volume requested as a tenant; returns its id once accepted (202).</summary>
    public async Task<Guid> CreateBackupAsync(Guid volumeId)
    {
        var response = await Api.PostAsJsonAsync($"/v3/{Project}/backups", new { backup = new { volume_id = volumeId } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await ReadAsync(response)).GetProperty("backup").GetProperty("id").GetGuid();
    }

    /// <summary>A restore of the backup onto the target volume requested as a tenant; returns once accepted (202).</summary>
    public async Task RestoreBackupAsync(Guid backupId, Guid target)
    {
        var response = await Api.PostAsJsonAsync($"/v3/{Project}/backups/{backupId}/restore", new { restore = new { volume_id = target } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    public async Task UploadAsync(Guid volumeId, byte[] content)
    {
        var response = await Volumes.PutAsync($"/v3/{Project}/volumes/{volumeId}/content", new ByteArrayContent(content));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    public Task<byte[]> DownloadAsync(Guid volumeId) => Volumes.GetByteArrayAsync($"/v3/{Project}/volumes/{volumeId}/content");

    public async Task<JsonElement> BackupAsync(Guid backupId) =>
        (await ReadAsync(await Api.GetAsync($"/v3/{Project}/backups/{backupId}"))).GetProperty("backup");

    public async Task<JsonElement> VolumeAsync(Guid volumeId) =>
        (await ReadAsync(await Volumes.GetAsync($"/v3/{Project}/volumes/{volumeId}"))).GetProperty("volume");

    /// <summary>Polls the backup until its status is none of <paramref name="transitional"/>; returns the final view.</summary>
    public async Task<JsonElement> WaitForBackupAsync(Guid backupId, params string[] transitional)
    {
        JsonElement backup = default;
        await WaitUntilAsync(async () =>
        {
            backup = await BackupAsync(backupId);
            return !transitional.Contains(backup.GetProperty("status").GetString());
        });
        return backup;
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not met within {seconds} s.");
            }

            await Task.Delay(100);
        }
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }

        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        // The hosts' idle pooled connections would stay open for minutes (Npgsql's idle lifetime) while the
        // following tests' deployments open theirs: give them back to the server now.
        Npgsql.NpgsqlConnection.ClearAllPools();

        Api?.Dispose();
        AdminApi?.Dispose();
        Volumes?.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private string[] CommonArgs =>
    [
        "--urls=http://127.0.0.1:0",
        "--BackupPlatform:Database:Provider=postgres",
        $"--BackupPlatform:Database:ConnectionString={_postgres}",
        "--BackupPlatform:Bus:Transport=rabbitmq",
        $"--BackupPlatform:Bus:RabbitMqUri={_rabbit}",
        "--Logging:LogLevel:Default=Warning",
        .. _settings,
    ];

    /// <summary>A second API host on the same database and broker, with its own settings (e.g. another auth mode); its address.</summary>
    public async Task<Uri> StartExtraApiAsync(params string[] extra)
    {
        var host = await StartHostAsync(ApiApp.Create, [.. VolumeServiceArgs, .. extra]);
        return new Uri(Address(host));
    }

    private async Task<WebApplication> StartHostAsync(Func<string[], WebApplication> create, params string[] extra)
    {
        var host = create([.. CommonArgs, .. extra]);
        await host.StartAsync();
        _hosts.Add(host);
        return host;
    }

    private static string Address(WebApplication host) =>
        host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>A client of the API as another caller (noauth user:project); the caller disposes it.</summary>
    public HttpClient ApiAs(string user, string project) => Client(ApiHost, user, project);

    /// <summary>A client of the volume service as another caller; the caller disposes it.</summary>
    public HttpClient VolumesAs(string user, string project)
    {
        var client = new HttpClient { BaseAddress = Volumes.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Add("X-Auth-Token", $"{user}:{project}");
        return client;
    }

    private static HttpClient Client(WebApplication host, string user = "tenant", string project = Project)
    {
        var client = new HttpClient { BaseAddress = new Uri(Address(host)), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Add("X-Auth-Token", $"{user}:{project}");
        return client;
    }
}
