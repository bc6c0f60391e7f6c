using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace BackupPlatform.Hosting.Http;

/// <summary>Reads a JSON request body as a document, so that malformed JSON and wrong types become 400s with a message, never 500s.</summary>
public static class RequestBody
{
    public const int MaxBytes = 1024 * 1024;

    /// <param name="allowedKeys">When given, the root object and the body may hold no other keys (Cinder's additionalProperties: false).</param>
    public static async Task<(JsonElement Body, IResult? Error)> ReadAsync(HttpRequest request, string rootKey, bool rootMayBeNull = false, IReadOnlyCollection<string>? allowedKeys = null)
    {
        var (root, parseError) = await ReadDocumentAsync(request);
        if (parseError is not null)
        {
            return (default, parseError);
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(rootKey, out var body))
        {
            return (default, CinderFault.BadRequest($"Invalid input for field/attribute {rootKey}. Value: missing. '{rootKey}' is a required property"));
        }

        if (allowedKeys is not null && root.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => n != rootKey) is { } extraRoot)
        {
            return (default, CinderFault.BadRequest($"Invalid input for field/attribute request body. Additional properties are not allowed ('{Echo(extraRoot)}' was unexpected)"));
        }

        if (allowedKeys is not null && body.ValueKind == JsonValueKind.Object
            && body.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => !allowedKeys.Contains(n)) is { } extra)
        {
            return (default, CinderFault.BadRequest($"Invalid input for field/attribute {rootKey}. Additional properties are not allowed ('{Echo(extra)}' was unexpected)"));
        }

        if (body.ValueKind == JsonValueKind.Null && rootMayBeNull)
        {
            return (body, null);
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return (default, CinderFault.BadRequest($"Invalid input for field/attribute {rootKey}. Value: {Echo(body.GetRawText())}. {Echo(body.GetRawText())} is not of type 'object'"));
        }

        return (body, null);
    }

    /// <summary>
    /// The whole body as a JSON document, at most <see cref="MaxBytes"/> bytes whether or not it announces
    /// its length. Empty, malformed, oversized, not JSON by its Content-Type, or holding a string that is no
    /// valid Unicode (a lone surrogate escape, invalid UTF-8) → a 400 that says which, without the parser's
    /// internals (Cinder answers "Malformed request body").
    /// </summary>
    public static async Task<(JsonElement Root, IResult? Error)> ReadDocumentAsync(HttpRequest request)
    {
        // Cinder's wsgi layer ignores a body whose Content-Type is not JSON, so the call fails as if it had none: 400.
        if (!IsJson(request.ContentType))
        {
            return (default, CinderFault.BadRequest("Malformed request body: the Content-Type must be application/json."));
        }

        if (request.ContentLength > MaxBytes)
        {
            return (default, TooLarge());
        }

        var limit = request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
        if (limit is { IsReadOnly: false })
        {
            limit.MaxRequestBodySize = MaxBytes;
        }

        JsonElement root;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = MaxDepth }, request.HttpContext.RequestAborted);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return (default, CinderFault.BadRequest("Malformed request body"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (default, TooLarge());
        }

        // Every string once, here: the endpoints' GetString can then not throw on what a client sent.
        return HoldsInvalidText(root, 0)
            ? (default, CinderFault.BadRequest("Malformed request body: a string is not valid Unicode (invalid UTF-8 or a lone surrogate)."))
            : (root, null);
    }

    /// <summary>No request of the API nests deeper; a deeper document is refused before anything walks it.</summary>
    public const int MaxDepth = 16;

    /// <summary>application/json or Cinder's vendor type; a body without a Content-Type is read as JSON (lenient: some scripts omit it).</summary>
    public static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return true;
        }

        var media = contentType.Split(';', 2)[0].Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Equals("application/vnd.openstack.volume+json", StringComparison.OrdinalIgnoreCase);
    }

    private static bool HoldsInvalidText(JsonElement element, int depth)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    return !IsValidText(element.GetString()!);
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        if (!IsValidText(property.Name) || HoldsInvalidText(property.Value, depth + 1))
                        {
                            return true;
                        }
                    }

                    return false;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        if (HoldsInvalidText(item, depth + 1))
                        {
                            return true;
                        }
                    }

                    return false;
                default:
                    return false;
            }
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to transcode a lone surrogate escape or invalid UTF-8.
            return true;
        }
    }

    /// <summary>Well-formed UTF-16 (no lone surrogate): what PostgreSQL, SQLite and every JSON writer can store and echo.</summary>
    public static bool IsValidText(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A client's value quoted in an error message: at most 64 characters, so an answer never grows with the input.</summary>
    public static string Echo(string? value) => value is null ? "None" : value.Length <= 64 ? value : string.Concat(value.AsSpan(0, 64), "...");

    private static IResult TooLarge() => CinderFault.BadRequest($"Request body is larger than {MaxBytes} bytes.");

    /// <summary>A string property that may be absent or null; wrong type → error text.</summary>
    public static bool TryGetString(this JsonElement body, string name, out string? value, out string? error, int maxLength = 255)
    {
        value = null;
        error = null;
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            error = $"Invalid input for field/attribute {name}. Value: {Echo(element.GetRawText())}. {Echo(element.GetRawText())} is not of type 'string', 'null'";
            return false;
        }

        value = element.GetString();
        if (value!.Length > maxLength)
        {
            error = $"Invalid input for field/attribute {name}. Value: {Echo(value)}. '{Echo(value)}' is too long";
            return false;
        }

        // PostgreSQL text cannot hold NUL; refused here rather than failing in the database.
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            error = $"Invalid input for field/attribute {name}. Value: {Echo(JsonSerializer.Serialize(value))}. It contains a NUL character.";
            value = null;
            return false;
        }

        return true;
    }

    /// <summary>A UUID property; absent or null gives null.</summary>
    public static bool TryGetUuid(this JsonElement body, string name, out Guid? value, out string? error)
    {
        value = null;
        if (!body.TryGetString(name, out var text, out error, 64))
        {
            return false;
        }

        if (text is null)
        {
            return true;
        }

        if (!Guid.TryParse(text, out var id))
        {
            error = $"Invalid input for field/attribute {name}. Value: {Echo(text)}. '{Echo(text)}' is not a 'uuid'";
            return false;
        }

        value = id;
        return true;
    }

    /// <summary>A boolean as Cinder's parameter_types.boolean accepts it: JSON true/false or the strings it lists.</summary>
    public static bool TryGetBoolean(this JsonElement body, string name, out bool value, out string? error)
    {
        value = false;
        error = null;
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.True:
                value = true;
                return true;
            case JsonValueKind.False:
                return true;
            case JsonValueKind.String:
                switch (element.GetString())
                {
                    case "True" or "TRUE" or "true" or "1" or "ON" or "On" or "on" or "YES" or "Yes" or "yes" or "y" or "t":
                        value = true;
                        return true;
                    case "False" or "FALSE" or "false" or "0" or "OFF" or "Off" or "off" or "NO" or "No" or "no" or "n" or "f":
                        return true;
                }

                break;
        }

        error = $"Invalid input for field/attribute {name}. Value: {Echo(element.GetRawText())}. {Echo(element.GetRawText())} is not of type 'boolean', 'string'";
        return false;
    }
}
