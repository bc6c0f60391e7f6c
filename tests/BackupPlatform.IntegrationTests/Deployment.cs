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

    private readonly string _postgres;
    private readonly string _rabbit;
    private readonly List<WebApplication> _hosts = [];

    private Deployment(string postgres, string rabbit, string virtualHost)
    {
        _postgres = postgres;
        _rabbit = rabbit;
        VirtualHost = virtualHost;
        Root = Directory.CreateTempSubdirectory("bp-deployment-").FullName;
    }

    public string VirtualHost { get; }

    public string Root { get; }

    public string StorePath => Path.Combine(Root, "store");

    public HttpClient Api { get; private set; } = null!;

    public HttpClient Volumes { get; private set; } = null!;

    public WebApplication? Worker { get; private set; }

    public WebApplication ApiHost { get; private set; } = null!;

    public static async Task<Deployment> StartAsync(bool withWorker = true)
    {
        var (postgres, rabbit, virtualHost) = await TestServers.IsolateAsync();
        var deployment = new Deployment(postgres, rabbit, virtualHost);

        // The volume service first: it owns its schema; then the backup services.
        var volumes = await deployment.StartHostAsync(VolumeServiceApp.Create, $"--BackupPlatform:Volumes:Path={Path.Combine(deployment.Root, "volumes")}");
        deployment.ApiHost = await deployment.StartHostAsync(ApiApp.Create);
        await deployment.StartHostAsync(SchedulerApp.Create, "--BackupPlatform:Scheduler:NoHostGracePeriod=00:00:30");
        deployment.Api = Client(deployment.ApiHost);
        deployment.Volumes = Client(volumes);
        if (withWorker)
        {
            await deployment.StartWorkerAsync();
        }

        return deployment;
    }

    /// <summary>Starts the worker host and waits until the scheduler's registry lists it.</summary>
    public async Task StartWorkerAsync()
    {
        Worker = await StartHostAsync(
            WorkerApp.Create,
            $"--BackupPlatform:Worker:Host={WorkerHost}",
            "--BackupPlatform:Worker:HeartbeatInterval=00:00:01",
            $"--BackupPlatform:Store:Posix:Path={StorePath}");
        await WaitUntilAsync(async () =>
        {
            await using var db = BackupDb();
            return await db.BackupServices.AnyAsync(h => h.Host == WorkerHost);
        });
    }

    public async Task StopWorkerAsync()
    {
        if (Worker is { } worker)
        {
            await worker.StopAsync();
            await worker.DisposeAsync();
            _hosts.Remove(worker);
            Worker = null;
        }
    }

    public BackupDbContext BackupDb() =>
        new(new DbContextOptionsBuilder<BackupDbContext>().UseNpgsql(_postgres).Options);

    public VolumeDbContext VolumeDb() =>
        new(new DbContextOptionsBuilder<VolumeDbContext>().UseNpgsql(_postgres).Options);

    public async Task<Guid> CreateVolumeAsync(int sizeGb)
    {
        var response = await Volumes.PostAsJsonAsync($"/v3/{Project}/volumes", new { volume = new { size = sizeGb } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await ReadAsync(response)).GetProperty("volume").GetProperty("id").GetGuid();
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

        Api?.Dispose();
        Volumes?.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<WebApplication> StartHostAsync(Func<string[], WebApplication> create, params string[] extra)
    {
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            "--BackupPlatform:Database:Provider=postgres",
            $"--BackupPlatform:Database:ConnectionString={_postgres}",
            "--BackupPlatform:Bus:Transport=rabbitmq",
            $"--BackupPlatform:Bus:RabbitMqUri={_rabbit}",
            "--Logging:LogLevel:Default=Warning",
            .. extra,
        ];
        var host = create(args);
        await host.StartAsync();
        _hosts.Add(host);
        return host;
    }

    private static HttpClient Client(WebApplication host)
    {
        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Add("X-Auth-Token", $"tenant:{Project}");
        return client;
    }
}
