using BackupPlatform.Hosting;
using BackupPlatform.Hosting.Http;
using Microsoft.Extensions.Primitives;

namespace BackupPlatform.Api;

/// <summary>
/// Cinder clients find volumes and snapshots at the same endpoint as backups (cinderclient looks the
/// volume up before every backup-create). When the volume service is a separate host, the API passes
/// /volumes and /snapshots calls through to it unchanged: the caller's identity and microversion go
/// along, and the Host header stays the API's, so the links in the answers point at the API.
/// </summary>
public static class VolumesProxy
{
    public const string HttpClientName = "volume-service-proxy";

    private static readonly string[] ForwardedRequestHeaders = ["X-Auth-Token", "X-User-Id", "X-Project-Id", ApiVersion.Header, "Accept", "X-OpenStack-Request-ID"];

    /// <summary>For the API as its own host; the all-in-one serves volumes itself.</summary>
    public static void MapVolumesProxy(this IEndpointRouteBuilder endpoints, VolumeServiceClientOptions options)
    {
        // Resolved at the first request: the host's start has checked the address by then, and a migration
        // job (Database:Migrate=Only) that builds the API without starting it needs none.
        var target = new Lazy<Uri>(options.BaseAddress);
        foreach (var collection in new[] { "volumes", "snapshots" })
        {
            endpoints.Map($"/v3/{{project_id}}/{collection}", (HttpContext http, IHttpClientFactory clients) => ForwardAsync(http, clients, target.Value));
            endpoints.Map($"/v3/{{project_id}}/{collection}/{{**rest}}", (HttpContext http, IHttpClientFactory clients) => ForwardAsync(http, clients, target.Value));
        }
    }

    private static async Task ForwardAsync(HttpContext http, IHttpClientFactory clients, Uri target)
    {
        using var request = new HttpRequestMessage(new HttpMethod(http.Request.Method), new Uri(target, http.Request.Path.Value!.TrimStart('/') + http.Request.QueryString));
        foreach (var name in ForwardedRequestHeaders)
        {
            if (http.Request.Headers.TryGetValue(name, out var values))
            {
                request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        request.Headers.Host = http.Request.Host.Value;
        // Volume content uploads are as large as the volume; the volume service enforces its own limits.
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }

        if (http.Request.ContentLength > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(http.Request.Body);
            if (http.Request.ContentType is { } contentType)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            if (http.Request.ContentLength is { } length)
            {
                request.Content.Headers.ContentLength = length;
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, http.RequestAborted);
        }
        catch (HttpRequestException)
        {
            await CinderFault.ServiceUnavailable("The volume service is not reachable.").ExecuteAsync(http);
            return;
        }

        using (response)
        {
            http.Response.StatusCode = (int)response.StatusCode;
            foreach (var header in response.Content.Headers.Where(h => h.Key is "Content-Type" or "Content-Length"))
            {
                http.Response.Headers[header.Key] = new StringValues(header.Value.ToArray());
            }

            await response.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
        }
    }
}
