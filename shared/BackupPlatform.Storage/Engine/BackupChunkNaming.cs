using System.Text.Json.Serialization;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// The manifest's "chunk_naming": the dedup domain whose key named the backup's chunks,
/// so that a restore derives that key whichever project the backup's record was later imported into.
/// </summary>
public sealed record BackupChunkNaming
{
    [JsonPropertyName("algorithm")]
    public string Algorithm { get; init; } = ChunkNaming.Algorithm;

    /// <summary>The project whose key named the chunks.</summary>
    [JsonPropertyName("project")]
    public required string Project { get; init; }

    /// <summary>
    /// The container's naming key (the object keys/naming/{key_id}) for a backup stored plain; absent for an
    /// encrypted one, whose chunks are named under its encryption key (the manifest's encryption.key_id).
    /// </summary>
    [JsonPropertyName("key_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? KeyId { get; init; }
}
