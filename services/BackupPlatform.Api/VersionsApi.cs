using BackupPlatform.Hosting.Http;

namespace BackupPlatform.Api;

/// <summary>The versions document every cinder command reads first (cinder/api/versions.py): 300 at /, 200 at /v3/.</summary>
public static class VersionsApi
{
    private static readonly string MinVersion = ApiVersion.Min.ToString();
    private static readonly string MaxVersion = ApiVersion.Max.ToString();

    public static void MapVersionsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (HttpRequest request) => Results.Json(Document(request), statusCode: StatusCodes.Status300MultipleChoices));
        endpoints.MapGet("/v3", (HttpRequest request) => Results.Json(Document(request)));
    }

    private static object Document(HttpRequest request) => new
    {
        versions = new[]
        {
            new Dictionary<string, object>
            {
                ["id"] = "v3.0",
                ["status"] = "CURRENT",
                ["version"] = MaxVersion,
                ["min_version"] = MinVersion,
                ["updated"] = "2023-08-31T00:00:00Z",
                ["links"] = new object[]
                {
                    new Dictionary<string, string> { ["href"] = "https://docs.openstack.org/", ["rel"] = "describedby", ["type"] = "text/html" },
                    new Dictionary<string, string> { ["href"] = $"{request.Scheme}://{request.Host}/v3/", ["rel"] = "self" },
                },
                ["media-types"] = new object[]
                {
                    new Dictionary<string, string> { ["base"] = "application/json", ["type"] = "application/vnd.openstack.volume+json;version=3" },
                },
            },
        },
    };
}
