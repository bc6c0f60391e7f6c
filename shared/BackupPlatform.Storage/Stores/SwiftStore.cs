using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BackupPlatform.Storage.Stores;

/// <summary>
/// OpenStack Swift over plain HTTP (no Swift client library is available to us): tempauth v1 or
/// Keystone v3 password auth, one request per object operation. The token is kept and renewed once
/// when Swift answers 401, because tokens expire while a long backup runs.
/// </summary>
public sealed class SwiftStore : IObjectStore, IDisposable
{
    // Swift's error pages are short HTML; anything longer is not worth carrying into a fail_reason.
    private const int MaxErrorBodyChars = 1000;

    private readonly SwiftStoreOptions _options;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _authLock = new(1, 1);
    private volatile SwiftSession? _session;

    public SwiftStore(SwiftStoreOptions options)
    {
        ValidateOptions(options);
        _options = options;
        _http = new HttpClient(CreateHandler(options), disposeHandler: true) { Timeout = options.Timeout };
    }

    public string Name => "swift";

    public async Task CheckSetupAsync(CancellationToken cancellationToken)
    {
        // A fresh login even when a token is cached: bad credentials must show now, not at the first backup.
        await RenewSessionAsync(_session, cancellationToken);
        using var response = await SendAsync("HEAD account", session => new HttpRequestMessage(HttpMethod.Head, session.StorageUrl), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync("HEAD account", response, cancellationToken);
        }
    }

    public async Task EnsureContainerAsync(string container, CancellationToken cancellationToken)
    {
        ValidateContainer(container);
        var what = $"PUT container {container}";
        using var response = await SendAsync(what, session => new HttpRequestMessage(HttpMethod.Put, ContainerUrl(session, container)), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(what, response, cancellationToken);
        }
    }

    public async Task PutAsync(string container, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ValidateContainer(container);
        ObjectNames.Validate(name, nameof(name));
        var what = $"PUT {container}/{name}";
#pragma warning disable CA5351 // Swift's ETag is MD5 by protocol: it guards against corruption in transit, it is no security control.
        var md5 = Convert.ToHexStringLower(MD5.HashData(data.Span));
#pragma warning restore CA5351
        using var response = await SendAsync(what, session =>
        {
            var request = new HttpRequestMessage(HttpMethod.Put, ObjectUrl(session, container, name)) { Content = new ReadOnlyMemoryContent(data) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            // With an ETag Swift checks the body it received and answers 422 instead of storing damaged bytes.
            request.Headers.TryAddWithoutValidation("ETag", md5);
            return request;
        }, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(what, response, cancellationToken);
        }

        var stored = RawETag(response);
        if (stored is not null && !string.Equals(stored, md5, StringComparison.OrdinalIgnoreCase))
        {
            throw new StoreException($"Swift {what} stored ETag {stored} but the body sent has MD5 {md5}.");
        }
    }

    public async Task<byte[]> GetAsync(string container, string name, CancellationToken cancellationToken)
    {
        ValidateContainer(container);
        ObjectNames.Validate(name, nameof(name));
        var what = $"GET {container}/{name}";
        using var response = await SendAsync(what, session => new HttpRequestMessage(HttpMethod.Get, ObjectUrl(session, container, name)), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ObjectNotFoundException(container, name);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(what, response, cancellationToken);
        }

        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    public async Task<int> ReadRangeAsync(string container, string name, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        ValidateContainer(container);
        ObjectNames.Validate(name, nameof(name));
        if (destination.IsEmpty)
        {
            return 0;
        }

        var what = $"GET {container}/{name} bytes {offset}-{offset + destination.Length - 1}";
        using var response = await SendAsync(what, session =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, ObjectUrl(session, container, name));
            request.Headers.Range = new RangeHeaderValue(offset, offset + destination.Length - 1);
            return request;
        }, HttpCompletionOption.ResponseHeadersRead, cancellationToken); // Streamed into the caller's pooled buffer, not buffered again.
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ObjectNotFoundException(container, name);
        }

        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            return 0;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(what, response, cancellationToken);
        }

        // A 200 instead of 206 means the server ignored the range and sent the whole object.
        var skip = response.StatusCode == HttpStatusCode.PartialContent ? 0 : offset;
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await StreamRanges.CopyAsync(body, skip, destination, cancellationToken);
    }

    public async Task<bool> ExistsAsync(string container, string name, CancellationToken cancellationToken)
    {
        ValidateContainer(container);
        ObjectNames.Validate(name, nameof(name));
        var what = $"HEAD {container}/{name}";
        using var response = await SendAsync(what, session => new HttpRequestMessage(HttpMethod.Head, ObjectUrl(session, container, name)), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(what, response, cancellationToken);
        }

        return true;
    }

    public async Task DeleteAsync(string container, string name, CancellationToken cancellationToken)
    {
        ValidateContainer(container);
        ObjectNames.Validate(name, nameof(name));
        var what = $"DELETE {container}/{name}";
        using var response = await SendAsync(what, session => new HttpRequestMessage(HttpMethod.Delete, ObjectUrl(session, container, name)), cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound && !response.IsSuccessStatusCode)
        {
            throw await FailureAsync(what, response, cancellationToken);
        }
    }

    public async IAsyncEnumerable<string> ListAsync(string container, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ValidateContainer(container);
        var what = $"GET container {container} (prefix '{prefix}')";
        var marker = string.Empty;
        while (true)
        {
            // JSON rather than the plain-text listing: a name may legally contain a newline.
            var query = $"?format=json&limit={_options.ListPageSize}&prefix={Uri.EscapeDataString(prefix)}&marker={Uri.EscapeDataString(marker)}";
            using var response = await SendAsync(what, session => new HttpRequestMessage(HttpMethod.Get, ContainerUrl(session, container) + query), cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                yield break;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw await FailureAsync(what, response, cancellationToken);
            }

            var names = await ReadListingAsync(response, what, cancellationToken);
            foreach (var objectName in names)
            {
                yield return objectName;
            }

            // Swift fills every page up to the limit, so a short page is the last one.
            if (names.Count < _options.ListPageSize)
            {
                yield break;
            }

            marker = names[^1];
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _authLock.Dispose();
    }

    private static void ValidateOptions(SwiftStoreOptions options)
    {
        if (!Uri.TryCreate(options.AuthUrl, UriKind.Absolute, out var authUrl) || (authUrl.Scheme != Uri.UriSchemeHttp && authUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new StoreException($"Swift store misconfigured: AuthUrl '{options.AuthUrl}' is not an absolute http(s) URL.");
        }

        if (options.AuthVersion is not ("1" or "3"))
        {
            throw new StoreException($"Swift store misconfigured: AuthVersion '{options.AuthVersion}' is not supported; use \"1\" (tempauth) or \"3\" (Keystone).");
        }

        if (string.IsNullOrEmpty(options.User))
        {
            throw new StoreException("Swift store misconfigured: User is empty.");
        }

        if (options.AuthVersion == "3" && string.IsNullOrEmpty(options.ProjectName))
        {
            throw new StoreException("Swift store misconfigured: Keystone v3 auth needs ProjectName to scope the token to.");
        }

        if (options.ListPageSize is < 1 or > 10000)
        {
            throw new StoreException($"Swift store misconfigured: ListPageSize {options.ListPageSize} is outside 1..10000.");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            throw new StoreException($"Swift store misconfigured: Timeout {options.Timeout} is not positive.");
        }
    }

    private static SocketsHttpHandler CreateHandler(SwiftStoreOptions options)
    {
        // Recycle connections now and then so a proxy behind changing DNS (a load balancer) is picked up.
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = options.Timeout };
        if (options.AuthInsecure)
        {
#pragma warning disable CA5359 // Deliberate operator opt-in (backup_swift_auth_insecure), for test clouds with self-signed certificates.
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (!string.IsNullOrEmpty(options.CaCertFile))
        {
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                // A private CA rarely publishes a CRL; checking would fail every connection for no gain.
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(LoadCaCertificates(options.CaCertFile));
            handler.SslOptions.CertificateChainPolicy = policy;
        }

        return handler;
    }

    private static X509Certificate2Collection LoadCaCertificates(string path)
    {
        try
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPemFile(path);
            if (certificates.Count == 0)
            {
                certificates.Add(X509CertificateLoader.LoadCertificateFromFile(path));
            }

            return certificates;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new StoreException($"Swift store misconfigured: CA certificate file {path} could not be loaded: {e.Message}", e);
        }
    }

    private static void ValidateContainer(string container)
    {
        ObjectNames.Validate(container, nameof(container));
        if (container.Contains('/'))
        {
            throw new StoreException($"Swift container name '{container}' is invalid: Swift container names cannot contain '/'.");
        }
    }

    private static string ContainerUrl(SwiftSession session, string container) =>
        $"{session.StorageUrl}/{Uri.EscapeDataString(container)}";

    // Each segment is escaped on its own: the slashes are part of the object name and Swift wants them as they are.
    private static string ObjectUrl(SwiftSession session, string container, string name) =>
        $"{ContainerUrl(session, container)}/{string.Join('/', name.Split('/').Select(Uri.EscapeDataString))}";

    private Task<HttpResponseMessage> SendAsync(string what, Func<SwiftSession, HttpRequestMessage> buildRequest, CancellationToken cancellationToken) =>
        SendAsync(what, buildRequest, HttpCompletionOption.ResponseContentRead, cancellationToken);

    private async Task<HttpResponseMessage> SendAsync(string what, Func<SwiftSession, HttpRequestMessage> buildRequest, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var session = _session ?? await RenewSessionAsync(null, cancellationToken);
        var response = await SendWithTokenAsync(what, session, buildRequest(session), completion, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        response.Dispose();
        session = await RenewSessionAsync(session, cancellationToken);
        return await SendWithTokenAsync(what, session, buildRequest(session), completion, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendWithTokenAsync(string what, SwiftSession session, HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using (request)
        {
            request.Headers.Add("X-Auth-Token", session.Token);
            return await TransmitAsync(what, session.StorageUrl, request, completion, cancellationToken);
        }
    }

    /// <summary>Sends one request and turns transport failures into a <see cref="StoreException"/> that names the store.</summary>
    private Task<HttpResponseMessage> TransmitAsync(string what, string target, HttpRequestMessage request, CancellationToken cancellationToken) =>
        TransmitAsync(what, target, request, HttpCompletionOption.ResponseContentRead, cancellationToken);

    private async Task<HttpResponseMessage> TransmitAsync(string what, string target, HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException tls)
        {
            throw new StoreException($"Swift store at {target} failed TLS verification: {tls.Message} (set CaCertFile to trust a private CA).", e);
        }
        catch (HttpRequestException e)
        {
            throw new StoreException($"Swift store at {target} is unreachable: {Describe(e)}", e);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException)
        {
            // A connection reset while the request body is still being sent can surface unwrapped.
            throw new StoreException($"Swift store at {target} is unreachable: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StoreException($"Swift {what} at {target} timed out after {_options.Timeout.TotalSeconds:0.#} s.", e);
        }
    }

    private async Task<SwiftSession> RenewSessionAsync(SwiftSession? stale, CancellationToken cancellationToken)
    {
        await _authLock.WaitAsync(cancellationToken);
        try
        {
            // Whoever held the lock before may already have logged in again; one login serves all waiters.
            var current = _session;
            if (current is not null && !ReferenceEquals(current, stale))
            {
                return current;
            }

            var fresh = _options.AuthVersion == "3"
                ? await AuthenticateKeystoneAsync(cancellationToken)
                : await AuthenticateTempAuthAsync(cancellationToken);
            _session = fresh;
            return fresh;
        }
        finally
        {
            _authLock.Release();
        }
    }

    private async Task<SwiftSession> AuthenticateTempAuthAsync(CancellationToken cancellationToken)
    {
        const string what = "auth v1";
        using var request = new HttpRequestMessage(HttpMethod.Get, _options.AuthUrl);
        request.Headers.Add("X-Auth-User", _options.User);
        request.Headers.Add("X-Auth-Key", _options.Key);
        using var response = await TransmitAsync(what, _options.AuthUrl, request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await AuthFailureAsync(response, cancellationToken);
        }

        var storageUrl = FirstHeader(response, "X-Storage-Url");
        var token = FirstHeader(response, "X-Auth-Token");
        if (string.IsNullOrEmpty(storageUrl) || string.IsNullOrEmpty(token))
        {
            throw new StoreException($"Swift auth at {_options.AuthUrl} answered {(int)response.StatusCode} without X-Storage-Url and X-Auth-Token; is this a tempauth (v1) endpoint?");
        }

        return new SwiftSession(storageUrl.TrimEnd('/'), token);
    }

    private async Task<SwiftSession> AuthenticateKeystoneAsync(CancellationToken cancellationToken)
    {
        const string what = "auth v3";
        var body = new JsonObject
        {
            ["auth"] = new JsonObject
            {
                ["identity"] = new JsonObject
                {
                    ["methods"] = new JsonArray("password"),
                    ["password"] = new JsonObject
                    {
                        ["user"] = new JsonObject
                        {
                            ["name"] = _options.User,
                            ["domain"] = new JsonObject { ["name"] = _options.UserDomainName },
                            ["password"] = _options.Key,
                        },
                    },
                },
                ["scope"] = new JsonObject
                {
                    ["project"] = new JsonObject
                    {
                        ["name"] = _options.ProjectName,
                        ["domain"] = new JsonObject { ["name"] = _options.ProjectDomainName },
                    },
                },
            },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, KeystoneTokensUrl(_options.AuthUrl))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        using var response = await TransmitAsync(what, _options.AuthUrl, request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await AuthFailureAsync(response, cancellationToken);
        }

        var token = FirstHeader(response, "X-Subject-Token");
        if (string.IsNullOrEmpty(token))
        {
            throw new StoreException($"Keystone at {_options.AuthUrl} answered {(int)response.StatusCode} without X-Subject-Token.");
        }

        var catalog = await response.Content.ReadAsStringAsync(cancellationToken);
        return new SwiftSession(FindObjectStoreEndpoint(catalog).TrimEnd('/'), token);
    }

    /// <summary>Accepts ".../v3", ".../v3/auth/tokens" or a bare Keystone root, as operators write all three.</summary>
    private static string KeystoneTokensUrl(string authUrl)
    {
        var url = authUrl.TrimEnd('/');
        if (url.EndsWith("/auth/tokens", StringComparison.Ordinal))
        {
            return url;
        }

        return url.EndsWith("/v3", StringComparison.Ordinal) ? $"{url}/auth/tokens" : $"{url}/v3/auth/tokens";
    }

    private string FindObjectStoreEndpoint(string tokenJson)
    {
        var seen = new List<string>();
        try
        {
            using var document = JsonDocument.Parse(tokenJson);
            if (document.RootElement.TryGetProperty("token", out var token) && token.TryGetProperty("catalog", out var catalog) && catalog.ValueKind == JsonValueKind.Array)
            {
                foreach (var service in catalog.EnumerateArray())
                {
                    if (StringProperty(service, "type") != "object-store" || !service.TryGetProperty("endpoints", out var endpoints) || endpoints.ValueKind != JsonValueKind.Array)
                    {
                        continue;
                    }

                    foreach (var endpoint in endpoints.EnumerateArray())
                    {
                        var endpointInterface = StringProperty(endpoint, "interface");
                        var region = StringProperty(endpoint, "region_id") ?? StringProperty(endpoint, "region");
                        var url = StringProperty(endpoint, "url");
                        seen.Add($"{endpointInterface}@{region}");
                        if (url is not null && string.Equals(endpointInterface, _options.EndpointInterface, StringComparison.OrdinalIgnoreCase)
                            && (_options.Region is null || string.Equals(region, _options.Region, StringComparison.Ordinal)
                                || string.Equals(StringProperty(endpoint, "region"), _options.Region, StringComparison.Ordinal)))
                        {
                            return url;
                        }
                    }
                }
            }
        }
        catch (JsonException e)
        {
            throw new StoreException($"Keystone at {_options.AuthUrl} returned a token body that is not JSON: {e.Message}", e);
        }

        var available = seen.Count == 0 ? "none" : string.Join(", ", seen);
        throw new StoreException(
            $"Keystone at {_options.AuthUrl} has no object-store endpoint with interface '{_options.EndpointInterface}'"
            + (_options.Region is null ? string.Empty : $" in region '{_options.Region}'") + $" (object-store endpoints in the catalog: {available}).");
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static async Task<List<string>> ReadListingAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return names;
        }

        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            foreach (var entry in document.RootElement.EnumerateArray())
            {
                if (StringProperty(entry, "name") is { } objectName)
                {
                    names.Add(objectName);
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new StoreException($"Swift {what} returned a listing that is not a JSON array: {e.Message}", e);
        }

        return names;
    }

    private async Task<StoreException> AuthFailureAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        new($"{(_options.AuthVersion == "3" ? "Keystone" : "Swift")} auth at {_options.AuthUrl} failed for user {_options.User}: {await StatusAndBodyAsync(response, cancellationToken)}");

    private static async Task<StoreException> FailureAsync(string what, HttpResponseMessage response, CancellationToken cancellationToken) =>
        new($"Swift {what} failed: {await StatusAndBodyAsync(response, cancellationToken)}");

    private static async Task<string> StatusAndBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        var body = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
        if (body.Length > MaxErrorBodyChars)
        {
            body = body[..MaxErrorBodyChars] + "…";
        }

        return body.Length == 0 ? status : $"{status}: {body}";
    }

    private static string? FirstHeader(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    // Swift sends the ETag unquoted, which HttpResponseHeaders.ETag does not parse (it stays null), so read it raw.
    private static string? RawETag(HttpResponseMessage response) => FirstHeader(response, "ETag")?.Trim('"');

    private static string Describe(HttpRequestException e) =>
        e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal) ? $"{e.Message} ({inner.Message})" : e.Message;
}
