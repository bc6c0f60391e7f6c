using BackupPlatform.Contracts.Volume.V2;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace BackupPlatform.Hosting;

/// <summary>
/// The volume-service contract as calls: each sends a request to the volume service's queue and
/// returns its answer, or throws <see cref="VolumeServiceException"/> with the service's reason.
/// </summary>
public sealed class VolumeServiceClient(IServiceProvider services)
{
    public Task<VolumeDetails> GetAsync(Guid volumeId, string? projectId, CancellationToken cancellationToken) =>
        RequestAsync<GetVolume, VolumeDetails>(new GetVolume { VolumeId = volumeId, ProjectId = projectId }, cancellationToken);

    public Task<VolumeDetails> CreateAsync(CreateVolume request, CancellationToken cancellationToken) =>
        RequestAsync<CreateVolume, VolumeDetails>(request, cancellationToken);

    public Task<VolumeReserved> ReserveAsync(ReserveVolume request, CancellationToken cancellationToken) =>
        RequestAsync<ReserveVolume, VolumeReserved>(request, cancellationToken);

    public Task<BackupDevice> GetBackupDeviceAsync(Guid volumeId, Guid backupId, CancellationToken cancellationToken) =>
        RequestAsync<GetBackupDevice, BackupDevice>(new GetBackupDevice { VolumeId = volumeId, BackupId = backupId }, cancellationToken);

    public Task<VolumeConnection> InitializeConnectionAsync(Guid volumeId, string host, CancellationToken cancellationToken) =>
        RequestAsync<InitializeConnection, VolumeConnection>(new InitializeConnection { VolumeId = volumeId, Host = host }, cancellationToken);

    public Task<VolumeRequestDone> TerminateConnectionAsync(Guid volumeId, string host, CancellationToken cancellationToken) =>
        RequestAsync<TerminateConnection, VolumeRequestDone>(new TerminateConnection { VolumeId = volumeId, Host = host }, cancellationToken);

    /// <summary>End a reservation: to <paramref name="status"/>, or back to the previous status when null.</summary>
    public Task<VolumeRequestDone> ReleaseAsync(Guid volumeId, string? status, CancellationToken cancellationToken) =>
        RequestAsync<ReleaseVolume, VolumeRequestDone>(new ReleaseVolume { VolumeId = volumeId, Status = status }, cancellationToken);

    public Task<VolumeRequestDone> SetMetadataAsync(Guid volumeId, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        RequestAsync<SetVolumeMetadata, VolumeRequestDone>(new SetVolumeMetadata { VolumeId = volumeId, Metadata = metadata }, cancellationToken);

    private async Task<TAnswer> RequestAsync<TRequest, TAnswer>(TRequest request, CancellationToken cancellationToken)
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
