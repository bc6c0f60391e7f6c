using System.Net.Http.Json;
using System.Text.Json;
using BackupPlatform.Contracts.Volume.V2;
using BackupPlatform.Hosting;
using BackupPlatform.VolumeService;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace BackupPlatform.Storage.Tests.Devices;

/// <summary>A real volume service (Kestrel on loopback, SQLite, in-memory bus) whose HTTP data path the device tests use.</summary>
public sealed class VolumeServiceEndpoint : IAsyncLifetime
{
    public const string ServiceToken = "device-test-service-token";
    private const string Project = "0123456789abcdef0123456789abcdef";

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"bp-volume-endpoint-{Guid.NewGuid():N}");
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public string VolumesPath => Path.Combine(_root, "volumes");

    /// <summary>Carries the service token, as a worker's data client does.</summary>
    public HttpClient Service { get; private set; } = null!;

    public HttpClient Tenant { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        _app = VolumeServiceApp.Create(
        [
            "--urls=http://127.0.0.1:0",
            "--BackupPlatform:Database:Provider=sqlite",
            $"--BackupPlatform:Database:ConnectionString=Data Source={Path.Combine(_root, "volumes.db")}",
            "--BackupPlatform:Bus:Transport=inmemory",
            $"--BackupPlatform:Volumes:Path={VolumesPath}",
            $"--BackupPlatform:VolumeService:ServiceToken={ServiceToken}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Service = new HttpClient { BaseAddress = BaseAddress };
        Service.DefaultRequestHeaders.Add(VolumeContractHttp.TokenHeader, ServiceToken);
        Tenant = new HttpClient { BaseAddress = BaseAddress };
        Tenant.DefaultRequestHeaders.Add("X-Auth-Token", $"tenant:{Project}");
    }

    public async Task DisposeAsync()
    {
        Service.Dispose();
        Tenant.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    public async Task<Guid> CreateVolumeAsync(int sizeGb = 1)
    {
        var response = await Tenant.PostAsJsonAsync($"/v3/{Project}/volumes", new { volume = new { size = sizeGb } });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("volume").GetProperty("id").GetGuid();
    }

    public string FileOf(Guid volumeId) => Path.Combine(VolumesPath, $"{volumeId}.img");

    /// <summary>The volume contract's InitializeConnection over HTTP, from a host with the given connector.</summary>
    public Task<VolumeConnection> ConnectAsync(Guid volumeId, string host, VolumeConnector? connector) =>
        RequestAsync<VolumeConnection>(new InitializeConnection { VolumeId = volumeId, Host = host, Connector = connector });

    public Task<VolumeRequestDone> DisconnectAsync(Guid volumeId, string host) =>
        RequestAsync<VolumeRequestDone>(new TerminateConnection { VolumeId = volumeId, Host = host });

    private async Task<TAnswer> RequestAsync<TAnswer>(object request)
    {
        var response = await Service.PostAsync(
            VolumeContractHttp.PathPrefix + request.GetType().Name,
            JsonContent.Create(request, request.GetType(), options: VolumeContractHttp.Json));
        response.EnsureSuccessStatusCode();
        var answer = (await response.Content.ReadFromJsonAsync<VolumeContractHttp.Answer>(VolumeContractHttp.Json))!;
        Assert.Equal(typeof(TAnswer).Name, answer.Type);
        return answer.Message.Deserialize<TAnswer>(VolumeContractHttp.Json)!;
    }
}
