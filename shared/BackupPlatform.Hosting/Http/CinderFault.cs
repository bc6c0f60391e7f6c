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

    /// <summary>A quota refusal: Cinder's OverQuota fault tells clients when to retry (now: it is a limit, not a rate).</summary>
    public static IResult OverQuota(string message) => new OverQuotaResult(message);

    public static IResult ServiceUnavailable(string message) => Fault("serviceUnavailable", StatusCodes.Status503ServiceUnavailable, message);

    /// <summary>The longest message a fault carries: an answer never grows with what the client sent.</summary>
    public const int MaxMessageLength = 1024;

    public static IResult Fault(string name, int code, string message) =>
        Results.Json(new Dictionary<string, object> { [name] = new FaultBody(code, Bounded(message)) }, statusCode: code);

    private static string Bounded(string message) => message.Length <= MaxMessageLength ? message : string.Concat(message.AsSpan(0, MaxMessageLength), "...");

    private sealed class OverQuotaResult(string message) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = "0";
            var body = new Dictionary<string, object> { ["overLimit"] = new OverLimitBody(StatusCodes.Status413PayloadTooLarge, Bounded(message), "0") };
            return Results.Json(body, statusCode: StatusCodes.Status413PayloadTooLarge).ExecuteAsync(httpContext);
        }
    }

    private sealed record OverLimitBody(
        [property: System.Text.Json.Serialization.JsonPropertyName("code")] int Code,
        [property: System.Text.Json.Serialization.JsonPropertyName("message")] string Message,
        [property: System.Text.Json.Serialization.JsonPropertyName("retryAfter")] string RetryAfter);

    private sealed record FaultBody(
        [property: System.Text.Json.Serialization.JsonPropertyName("code")] int Code,
        [property: System.Text.Json.Serialization.JsonPropertyName("message")] string Message);
}
