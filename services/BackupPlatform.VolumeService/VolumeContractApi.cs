using System.Text.Json;
using BackupPlatform.Contracts;
using BackupPlatform.Contracts.Volume.V2;
using BackupPlatform.Hosting;

namespace BackupPlatform.VolumeService;

/// <summary>
/// The volume-service contract over HTTP, the only way the other services reach it: one POST route
/// per call (<see cref="VolumeContractHttp"/>), the request record as the body, its answer as the 200
/// body, a refusal as 404 (not found) or 409 with <see cref="VolumeRequestRefused"/>. Callers prove
/// they are services with the configured service token.
/// </summary>
public static class VolumeContractApi
{
    public static void MapVolumeContractApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(VolumeContractHttp.CreateVolume, (HttpContext http, VolumeContract contract) => AnswerAsync<CreateVolume, VolumeDetails>(http, contract.CreateAsync));
        endpoints.MapPost(VolumeContractHttp.ReserveVolume, (HttpContext http, VolumeContract contract) => AnswerAsync<ReserveVolume, VolumeReserved>(http, contract.ReserveAsync));
        endpoints.MapPost(VolumeContractHttp.GetVolume, (HttpContext http, VolumeContract contract) => AnswerAsync<GetVolume, VolumeDetails>(http, contract.GetAsync));
        endpoints.MapPost(VolumeContractHttp.GetBackupDevice, (HttpContext http, VolumeContract contract) => AnswerAsync<GetBackupDevice, BackupDevice>(http, contract.GetBackupDeviceAsync));
        endpoints.MapPost(VolumeContractHttp.InitializeConnection, (HttpContext http, VolumeContract contract) => AnswerAsync<InitializeConnection, VolumeConnection>(http, contract.InitializeConnectionAsync));
        endpoints.MapPost(VolumeContractHttp.TerminateConnection, (HttpContext http, VolumeContract contract) => AnswerAsync<TerminateConnection, VolumeRequestDone>(http, contract.TerminateConnectionAsync));
        endpoints.MapPost(VolumeContractHttp.ReleaseVolume, (HttpContext http, VolumeContract contract) => AnswerAsync<ReleaseVolume, VolumeRequestDone>(http, contract.ReleaseAsync));
        endpoints.MapPost(VolumeContractHttp.SetVolumeMetadata, (HttpContext http, VolumeContract contract) => AnswerAsync<SetVolumeMetadata, VolumeRequestDone>(http, contract.SetMetadataAsync));
        endpoints.MapPost(VolumeContractHttp.DeleteTemporaryVolume, (HttpContext http, VolumeContract contract) => AnswerAsync<DeleteTemporaryVolume, VolumeRequestDone>(http, contract.DeleteTemporaryAsync));
    }

    private static async Task<IResult> AnswerAsync<TRequest, TAnswer>(HttpContext http, Func<TRequest, CancellationToken, Task<VolumeAnswer<TAnswer>>> call)
        where TRequest : class
        where TAnswer : class
    {
        var options = http.RequestServices.GetRequiredService<VolumeServiceClientOptions>();
        if (string.IsNullOrEmpty(options.ServiceToken) || http.Request.Headers[VolumeContractHttp.TokenHeader] != options.ServiceToken)
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        TRequest request;
        try
        {
            request = await http.Request.ReadFromJsonAsync<TRequest>(VolumeContractHttp.Json, http.RequestAborted)
                ?? throw new JsonException("empty body");
        }
        catch (JsonException e)
        {
            return Results.BadRequest(e.Message);
        }

        VolumeAnswer<TAnswer> answer;
        try
        {
            answer = await call(request, http.RequestAborted);
        }
        catch (UnsupportedRpcVersionException e)
        {
            return Results.BadRequest(e.Message);
        }

        return answer.Refusal is { } refusal
            ? Results.Json(refusal, VolumeContractHttp.Json, statusCode: refusal.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict)
            : Results.Json(answer.Answer, VolumeContractHttp.Json);
    }
}
