using System.Text.Json.Serialization;

namespace BackupPlatform.Storage.Engine;

/// <summary>One piece of a backup's index as the manifest lists it: name, entries and SHA-256, so a restore notices a damaged piece.</summary>
public sealed record IndexSegment
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("entries")]
    public required int Entries { get; init; }

    [JsonPropertyName("sha256")]
    public required string Sha256 { get; init; }
}
