using System.Text.Json;
using System.Text.RegularExpressions;

namespace BackupPlatform.Hosting.Http;

/// <summary>
/// User metadata of a backup (3.43), volume or snapshot: a JSON object of strings, keys as Cinder's
/// parameter_types.metadata allows them, stored as the object's JSON text (so a view can always read it back).
/// </summary>
public static partial class CinderMetadata
{
    private const int MaxLength = 255;

    /// <summary>Null or absent → null (no change on update, none on create); otherwise the validated JSON text.</summary>
    public static bool TryRead(JsonElement body, out string? json, out string? error)
    {
        json = null;
        error = null;
        if (!body.TryGetProperty("metadata", out var metadata) || metadata.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (metadata.ValueKind != JsonValueKind.Object)
        {
            error = $"Invalid input for field/attribute metadata. Value: {metadata}. {metadata} is not of type 'object'";
            return false;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in metadata.EnumerateObject())
        {
            if (!Key().IsMatch(entry.Name))
            {
                error = $"Invalid input for field/attribute metadata. Value: {metadata}. '{entry.Name}' does not match any of the regexes: '^[a-zA-Z0-9-_:. /]{{1,255}}$'";
                return false;
            }

            if (entry.Value.ValueKind != JsonValueKind.String || entry.Value.GetString()!.Length > MaxLength || entry.Value.GetString()!.Contains('\0', StringComparison.Ordinal))
            {
                error = $"Invalid input for field/attribute metadata. Value: {metadata}. The value of '{entry.Name}' must be a string of at most {MaxLength} characters.";
                return false;
            }

            values[entry.Name] = entry.Value.GetString()!;
        }

        json = JsonSerializer.Serialize(values);
        return true;
    }

    public static Dictionary<string, string> View(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    [GeneratedRegex("^[a-zA-Z0-9-_:. /]{1,255}$", RegexOptions.CultureInvariant)]
    private static partial Regex Key();
}
