using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BackupPlatform.Contracts.Volume.V2;

namespace BackupPlatform.Hosting;

/// <summary>
/// The volume-service contract as calls, over HTTP (<see cref="VolumeContractHttp"/>): each returns
/// the service's answer or throws <see cref="VolumeServiceException"/> with its reason. The client is
/// typed and carries the service token and a resilience pipeline (<see cref="VolumeServiceClientRegistration"/>):
/// a transient failure is retried with backoff. Every call but two moves a volume to a state or only
/// reads, so repeating it is safe. Creating a volume and reserving one are not (a repeat makes a second
/// volume, or is refused because the first ask reserved it): they are repeated only when the service
/// was not reached at all.
/// </summary>
public sealed class VolumeServiceClient(HttpClient http)
{
    /// <summary>Set to false on a request whose repeat is not safe once the service may have received it.</summary>
    public static readonly HttpRequestOptionsKey<bool> Repeatable = new("BackupPlatform.VolumeService.Repeatable");

    public Task<VolumeDetails> GetAsync(Guid volumeId, string? projectId, CancellationToken cancellationToken) =>
        CallAsync<VolumeDetails>(VolumeContractHttp.GetVolume, new GetVolume { VolumeId = volumeId, ProjectId = projectId }, cancellationToken);

    public Task<VolumeDetails> CreateAsync(CreateVolume request, CancellationToken cancellationToken) =>
        CallAsync<VolumeDetails>(VolumeContractHttp.CreateVolume, request, cancellationToken, repeatable: false);

    public Task<VolumeReserved> ReserveAsync(ReserveVolume request, CancellationToken cancellationToken) =>
        CallAsync<VolumeReserved>(VolumeContractHttp.ReserveVolume, request, cancellationToken, repeatable: false);

    public Task<BackupDevice> GetBackupDeviceAsync(Guid volumeId, Guid backupId, Guid? snapshotId, CancellationToken cancellationToken) =>
        CallAsync<BackupDevice>(VolumeContractHttp.GetBackupDevice, new GetBackupDevice { VolumeId = volumeId, BackupId = backupId, SnapshotId = snapshotId }, cancellationToken);

    /// <param name="connector">What the host can reach (os-brick's connector properties): the answer's driver type follows from it.</param>
    public Task<VolumeConnection> InitializeConnectionAsync(Guid volumeId, string host, VolumeConnector? connector, CancellationToken cancellationToken) =>
        CallAsync<VolumeConnection>(VolumeContractHttp.InitializeConnection, new InitializeConnection { VolumeId = volumeId, Host = host, Connector = connector }, cancellationToken);

    public Task<VolumeRequestDone> TerminateConnectionAsync(Guid volumeId, string host, CancellationToken cancellationToken) =>
        CallAsync<VolumeRequestDone>(VolumeContractHttp.TerminateConnection, new TerminateConnection { VolumeId = volumeId, Host = host }, cancellationToken);

    /// <summary>End a reservation: to <paramref name="status"/>, or back to the previous status when null.</summary>
    public Task<VolumeRequestDone> ReleaseAsync(Guid volumeId, string? status, CancellationToken cancellationToken) =>
        CallAsync<VolumeRequestDone>(VolumeContractHttp.ReleaseVolume, new ReleaseVolume { VolumeId = volumeId, Status = status }, cancellationToken);

    /// <summary>Ends the reservation a backup made: of its snapshot when it has one, otherwise of its volume (back to the previous status).</summary>
    public Task<VolumeRequestDone> ReleaseForBackupAsync(Guid volumeId, Guid? snapshotId, CancellationToken cancellationToken) =>
        CallAsync<VolumeRequestDone>(VolumeContractHttp.ReleaseVolume, new ReleaseVolume { VolumeId = volumeId, SnapshotId = snapshotId }, cancellationToken);

    public Task<VolumeRequestDone> SetMetadataAsync(Guid volumeId, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        CallAsync<VolumeRequestDone>(VolumeContractHttp.SetVolumeMetadata, new SetVolumeMetadata { VolumeId = volumeId, Metadata = metadata }, cancellationToken);

    public Task<VolumeRequestDone> DeleteTemporaryAsync(Guid volumeId, CancellationToken cancellationToken) =>
        CallAsync<VolumeRequestDone>(VolumeContractHttp.DeleteTemporaryVolume, new DeleteTemporaryVolume { VolumeId = volumeId }, cancellationToken);

    private async Task<TAnswer> CallAsync<TAnswer>(string route, object request, CancellationToken cancellationToken, bool repeatable = true)
        where TAnswer : class
    {
        // The route is relative to the base address, which may carry a path of its own.
        using var message = new HttpRequestMessage(HttpMethod.Post, route.TrimStart('/'))
        {
            Content = JsonContent.Create(request, request.GetType(), options: VolumeContractHttp.Json),
        };
        message.Options.Set(Repeatable, repeatable);
        using var response = await http.SendAsync(message, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return await response.Content.ReadFromJsonAsync<TAnswer>(VolumeContractHttp.Json, cancellationToken)
                ?? throw new InvalidOperationException($"The volume service answered {route} with an empty body.");
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict && TryReadRefusal(body) is { } refused)
        {
            throw new VolumeServiceException(refused.Reason, refused.NotFound);
        }

        throw new InvalidOperationException($"The volume service answered {route} with HTTP {(int)response.StatusCode}: {body}");
    }

    private static VolumeRequestRefused? TryReadRefusal(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<VolumeRequestRefused>(body, VolumeContractHttp.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
