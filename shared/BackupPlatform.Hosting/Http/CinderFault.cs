using Microsoft.AspNetCore.Http;

namespace BackupPlatform.Hosting.Http;

/// <summary>Cinder's fault body: {"&lt;faultName&gt;": {"code": N, "message": "..."}} (cinder/api/openstack/wsgi.py).</summary>
public static class CinderFault
{
    public static IResult BadRequest(string message) => Fault("badRequest", StatusCodes.Status400BadRequest, message);

    public static IResult Unauthorized(string message) => Fault("unauthorized", StatusCodes.Status401Unauthorized, message);

    public static IResult Forbidden(string message) => Fault("forbidden", StatusCodes.Status403Forbidden, message);

    public static IResult NotFound(string message = "The resource could not be found.") => Fault("itemNotFound", StatusCodes.Status404NotFound, message);

    public static IResult Conflict(string message) => Fault("conflictingRequest", StatusCodes.Status409Conflict, message);

    public static IResult OverLimit(string message) => Fault("overLimit", StatusCodes.Status413PayloadTooLarge, message);

    public static IResult ServiceUnavailable(string message) => Fault("serviceUnavailable", StatusCodes.Status503ServiceUnavailable, message);

    public static IResult Fault(string name, int code, string message) =>
        Results.Json(new Dictionary<string, object> { [name] = new FaultBody(code, message) }, statusCode: code);

    private sealed record FaultBody(
        [property: System.Text.Json.Serialization.JsonPropertyName("code")] int Code,
        [property: System.Text.Json.Serialization.JsonPropertyName("message")] string Message);
}
