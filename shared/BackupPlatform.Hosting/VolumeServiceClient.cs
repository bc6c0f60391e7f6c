using System.Net.Http.Json;
using System.Text.Json;
using BackupPlatform.Contracts.Volume.V2;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace BackupPlatform.Hosting;

/// <summary>
/// The volume-service contract as calls: each sends a request to the volume service's queue and
/// returns its answer, or throws <see cref="VolumeServiceException"/> with the service's reason.
/// Over the bus by default; over HTTP when <see cref="VolumeServiceClientOptions.Url"/> is set.
/// </summary>
public sealed class VolumeServiceClient(IServiceProvider services, VolumeServiceClientOptions options)
{
    public const string HttpClientName = "volume-service";

    public Task<VolumeDetails> GetAsync(Guid volumeId, string? projectId, CancellationToken cancellationToken) =>
        RequestAsync<GetVolume, VolumeDetails>(new GetVolume { VolumeId = volumeId, ProjectId = projectId }, cancellationToken);

    public Task<VolumeDetails> CreateAsync(CreateVolume request, CancellationToken cancellationToken) =>
        RequestAsync<CreateVolume, VolumeDetails>(request, cancellationToken);

    public Task<VolumeReserved> ReserveAsync(ReserveVolume request, CancellationToken cancellationToken) =>
        RequestAsync<ReserveVolume, VolumeReserved>(request, cancellationToken);

    public Task<BackupDevice> GetBackupDeviceAsync(Guid volumeId, Guid backupId, Guid? snapshotId, CancellationToken cancellationToken) =>
        RequestAsync<GetBackupDevice, BackupDevice>(new GetBackupDevice { VolumeId = volumeId, BackupId = backupId, SnapshotId = snapshotId }, cancellationToken);

    /// <param name="connector">What the host can reach (os-brick's connector properties): the answer's driver type follows from it.</param>
    public Task<VolumeConnection> InitializeConnectionAsync(Guid volumeId, string host, VolumeConnector? connector, CancellationToken cancellationToken) =>
        RequestAsync<InitializeConnection, VolumeConnection>(new InitializeConnection { VolumeId = volumeId, Host = host, Connector = connector }, cancellationToken);

    public Task<VolumeRequestDone> TerminateConnectionAsync(Guid volumeId, string host, CancellationToken cancellationToken) =>
        RequestAsync<TerminateConnection, VolumeRequestDone>(new TerminateConnection { VolumeId = volumeId, Host = host }, cancellationToken);

    /// <summary>End a reservation: to <paramref name="status"/>, or back to the previous status when null.</summary>
    public Task<VolumeRequestDone> ReleaseAsync(Guid volumeId, string? status, CancellationToken cancellationToken) =>
        RequestAsync<ReleaseVolume, VolumeRequestDone>(new ReleaseVolume { VolumeId = volumeId, Status = status }, cancellationToken);

    /// <summary>Ends the reservation a backup made: of its snapshot when it has one, otherwise of its volume (back to the previous status).</summary>
    public Task<VolumeRequestDone> ReleaseForBackupAsync(Guid volumeId, Guid? snapshotId, CancellationToken cancellationToken) =>
        RequestAsync<ReleaseVolume, VolumeRequestDone>(new ReleaseVolume { VolumeId = volumeId, SnapshotId = snapshotId }, cancellationToken);

    public Task<VolumeRequestDone> SetMetadataAsync(Guid volumeId, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        RequestAsync<SetVolumeMetadata, VolumeRequestDone>(new SetVolumeMetadata { VolumeId = volumeId, Metadata = metadata }, cancellationToken);

    public Task<VolumeRequestDone> DeleteTemporaryAsync(Guid volumeId, CancellationToken cancellationToken) =>
        RequestAsync<DeleteTemporaryVolume, VolumeRequestDone>(new DeleteTemporaryVolume { VolumeId = volumeId }, cancellationToken);

    private Task<TAnswer> RequestAsync<TRequest, TAnswer>(TRequest request, CancellationToken cancellationToken)
        where TRequest : class
        where TAnswer : class =>
        string.IsNullOrEmpty(options.Url)
            ? RequestOverBusAsync<TRequest, TAnswer>(request, cancellationToken)
            : RequestOverHttpAsync<TRequest, TAnswer>(request, cancellationToken);

    private async Task<TAnswer> RequestOverHttpAsync<TRequest, TAnswer>(TRequest request, CancellationToken cancellationToken)
        where TRequest : class
        where TAnswer : class
    {
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(options.Url!), VolumeContractHttp.PathPrefix + typeof(TRequest).Name))
        {
            Content = JsonContent.Create(request, options: VolumeContractHttp.Json),
        };
        message.Headers.Add(VolumeContractHttp.TokenHeader, options.ServiceToken);
        using var response = await http.SendAsync(message, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The volume service answered {typeof(TRequest).Name} with HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        var answer = await response.Content.ReadFromJsonAsync<VolumeContractHttp.Answer>(VolumeContractHttp.Json, cancellationToken)
            ?? throw new InvalidOperationException($"The volume service answered {typeof(TRequest).Name} with an empty body.");
        if (answer.Type == typeof(TAnswer).Name)
        {
            return answer.Message.Deserialize<TAnswer>(VolumeContractHttp.Json)!;
        }

        if (answer.Type == nameof(VolumeRequestRefused))
        {
            var refused = answer.Message.Deserialize<VolumeRequestRefused>(VolumeContractHttp.Json)!;
            throw new VolumeServiceException(refused.Reason, refused.NotFound);
        }

        throw new InvalidOperationException($"Unexpected answer {answer.Type} to {typeof(TRequest).Name}.");
    }

    private async Task<TAnswer> RequestOverBusAsync<TRequest, TAnswer>(TRequest request, CancellationToken cancellationToken)
        where TRequest : class
        where TAnswer : class
    {
        var client = services.GetRequiredService<IRequestClient<TRequest>>();
        var response = await client.GetResponse<TAnswer, VolumeRequestRefused>(request, cancellationToken);
        if (response.Is(out Response<TAnswer>? answer))
        {
            return answer.Message;
        }

        if (response.Is(out Response<VolumeRequestRefused>? refused))
        {
            throw new VolumeServiceException(refused.Message.Reason, refused.Message.NotFound);
        }

        throw new InvalidOperationException($"Unexpected answer to {typeof(TRequest).Name}.");
    }
}
