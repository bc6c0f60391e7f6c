using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace BackupPlatform.IntegrationTests;

/// <summary>Requests at a microversion, and the assertions of the golden API tests: exact status, exact keys, Cinder's fault body.</summary>
public static class CinderHttp
{
    public const string VersionHeader = "OpenStack-API-Version";

    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, object? body = null, string? version = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is string raw)
        {
            request.Content = new StringContent(raw, Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (version is not null)
        {
            request.Headers.TryAddWithoutValidation(VersionHeader, $"volume {version}");
        }

        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> GetAsync(HttpClient client, string url, string? version = null) => SendAsync(client, HttpMethod.Get, url, null, version);

    /// <summary>The object has exactly these keys, no more, no fewer (tempest's additionalProperties: false).</summary>
    public static void AssertKeys(JsonElement element, params string[] keys)
    {
        Assert.Equal(JsonValueKind.Object, element.ValueKind);
        Assert.Equal(keys.Order(StringComparer.Ordinal), element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    /// <summary>Status, then Cinder's fault body {"name": {"code", "message"}} with nothing else; returns the message.</summary>
    public static async Task<string> AssertFaultAsync(HttpResponseMessage response, HttpStatusCode status, string faultName)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        AssertKeys(body, faultName);
        AssertKeys(body.GetProperty(faultName), "code", "message");
        Assert.Equal((int)status, body.GetProperty(faultName).GetProperty("code").GetInt32());
        var message = body.GetProperty(faultName).GetProperty("message").GetString();
        Assert.False(string.IsNullOrWhiteSpace(message));
        return message!;
    }

    public static async Task<JsonElement> AssertJsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Tempest's links schema: a list of {href, rel} and nothing else.</summary>
    public static void AssertLinks(JsonElement links)
    {
        Assert.Equal(JsonValueKind.Array, links.ValueKind);
        Assert.NotEmpty(links.EnumerateArray());
        foreach (var link in links.EnumerateArray())
        {
            AssertKeys(link, "href", "rel");
            Assert.True(Uri.TryCreate(link.GetProperty("href").GetString(), UriKind.Absolute, out _));
        }
    }

    /// <summary>A string that parses as Cinder's naive-UTC ISO 8601 timestamp.</summary>
    public static void AssertTimestamp(JsonElement value) =>
        Assert.True(DateTime.TryParse(value.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _), $"not a timestamp: {value}");
}
