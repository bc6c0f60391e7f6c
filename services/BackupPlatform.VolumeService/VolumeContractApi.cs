using System.Text.Json;
using BackupPlatform.Contracts;
using BackupPlatform.Hosting;

namespace BackupPlatform.VolumeService;

/// <summary>
/// The volume-service contract over HTTP, for callers that must not depend on the broker: the API
/// reserves volumes this way, so it can accept a backup while RabbitMQ is down (its command waits in
/// the outbox). Each request type has its endpoint, POST /internal/v2/{RequestType}; the answer
/// names its type. Callers prove they are services with the configured service token.
/// </summary>
public static class VolumeContractApi
{
    public static void MapVolumeContractApi(this IEndpointRouteBuilder endpoints)
    {
        foreach (var requestType in VolumeContract.Requests)
        {
            endpoints.MapPost($"{VolumeContractHttp.PathPrefix}{requestType.Name}", (HttpContext http, VolumeContract contract, VolumeServiceClientOptions options) =>
                AnswerAsync(requestType, http, contract, options));
        }
    }

    private static async Task<IResult> AnswerAsync(Type requestType, HttpContext http, VolumeContract contract, VolumeServiceClientOptions options)
    {
        if (string.IsNullOrEmpty(options.ServiceToken) || http.Request.Headers[VolumeContractHttp.TokenHeader] != options.ServiceToken)
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        object request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(http.Request.Body, requestType, VolumeContractHttp.Json, http.RequestAborted)
                ?? throw new JsonException("empty body");
        }
        catch (JsonException e)
        {
            return Results.BadRequest(e.Message);
        }

        try
        {
            var answer = await contract.HandleAsync(request, http.RequestAborted);
            return Results.Json(new VolumeContractHttp.Answer(answer.GetType().Name, JsonSerializer.SerializeToElement(answer, answer.GetType(), VolumeContractHttp.Json)), VolumeContractHttp.Json);
        }
        catch (UnsupportedRpcVersionException e)
        {
            return Results.BadRequest(e.Message);
        }
    }
}
