using System.Text.Json;
using System.Text.Json.Nodes;
using BackupPlatform.Contracts.Volume.V2;

namespace BackupPlatform.Worker;

/// <summary>
/// The volume's metadata as it travels with a backup, in the versioned JSON container Cinder's
/// BackupMetadataAPI writes: {"version": 2, "volume-base-metadata": {...}, "volume-metadata": {...},
/// "volume-glance-metadata": {...}}. A restore refuses a version it does not know rather than guess.
/// </summary>
public static class VolumeMetadataContainer
{
    public const int Version = 2;
    private const string BaseTag = "volume-base-metadata";
    private const string VolumeTag = "volume-metadata";
    private const string GlanceTag = "volume-glance-metadata";

    public static string Write(VolumeDetails volume)
    {
        var container = new JsonObject
        {
            ["version"] = Version,
            [BaseTag] = new JsonObject
            {
                ["id"] = volume.VolumeId.ToString(),
                ["display_name"] = volume.Name,
                ["display_description"] = volume.Description,
                ["size"] = volume.SizeGb,
                ["availability_zone"] = volume.AvailabilityZone,
            },
            [VolumeTag] = JsonSerializer.SerializeToNode(volume.Metadata ?? new Dictionary<string, string>()),
            [GlanceTag] = new JsonObject(),
        };
        return container.ToJsonString();
    }

    /// <summary>The user metadata to put back on the restored volume; throws <see cref="InvalidDataException"/> for an unknown version.</summary>
    public static Dictionary<string, string> ReadVolumeMetadata(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }

        var container = JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException("The backup's volume metadata is not a JSON object.");
        var version = container["version"]?.GetValue<int>();
        // Version 1, which older Cinder releases wrote, has the same sections.
        if (version is not (1 or Version))
        {
            throw new InvalidDataException($"The backup's volume metadata is in container version {version?.ToString() ?? "(none)"}, which this version cannot restore (it knows versions 1 and {Version}).");
        }

        return container[VolumeTag]?.Deserialize<Dictionary<string, string>>() ?? [];
    }
}
