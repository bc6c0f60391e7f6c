using System.Text.Json;
using System.Text.Json.Nodes;

namespace BackupPlatform.Data;

/// <summary>
/// The service_metadata of a backup stored by BackupPlatform: a JSON object with the store format's
/// facts (format_version, chunk_size, compression) and <c>manifest</c>, where in the backup's container
/// its manifest lies. As with Cinder's chunked drivers (whose service_metadata is the objects' prefix),
/// the exported record then locates the data by itself: an import under another id finds it there.
/// </summary>
public static class BackupServiceMetadata
{
    private const string ManifestKey = "manifest";
    private const string Prefix = "backups/";
    private const string Suffix = "/metadata.json";

    /// <summary>The manifest's name in the container (StoreLayout.Manifest, docs/storage-format.md).</summary>
    public static string ManifestName(Guid backupId) => $"{Prefix}{backupId}{Suffix}";

    /// <summary>
    /// The service_metadata with <c>manifest</c> set to the backup's own manifest, other fields kept;
    /// service_metadata that is not a JSON object (a Cinder driver's object prefix) is not ours and stays as it is.
    /// </summary>
    public static string? WithManifest(string? serviceMetadata, Guid backupId)
    {
        var node = string.IsNullOrWhiteSpace(serviceMetadata) ? [] : Parse(serviceMetadata);
        if (node is null)
        {
            return serviceMetadata;
        }

        node[ManifestKey] = ManifestName(backupId);
        return node.ToJsonString();
    }

    /// <summary>
    /// The id whose manifest the service_metadata names; null when it names none (written before it said,
    /// or not ours): the data is then where the backup's own id puts it.
    /// <see cref="InvalidDataException"/> when it names something that is not a manifest.
    /// </summary>
    public static Guid? ManifestOwner(string? serviceMetadata)
    {
        if (Parse(serviceMetadata) is not { } node || !node.TryGetPropertyValue(ManifestKey, out var value) || value is null)
        {
            return null;
        }

        var name = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
        if (name is not null && name.StartsWith(Prefix, StringComparison.Ordinal) && name.EndsWith(Suffix, StringComparison.Ordinal)
            && Guid.TryParseExact(name[Prefix.Length..^Suffix.Length], "D", out var owner))
        {
            return owner;
        }

        throw new InvalidDataException($"The record's service_metadata names {value.ToJsonString()} as its manifest, which is not a backup manifest's name (backups/<id>/metadata.json).");
    }

    private static JsonObject? Parse(string? serviceMetadata)
    {
        if (string.IsNullOrWhiteSpace(serviceMetadata))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(serviceMetadata) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
