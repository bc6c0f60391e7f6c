using System.Text.Json.Serialization;

namespace BackupPlatform.Storage.Engine;

/// <summary>How a backup's chunks were sealed (the manifest's "encryption"); absent for a backup stored plain.</summary>
public sealed record BackupEncryption
{
    [JsonPropertyName("algorithm")]
    public string Algorithm { get; init; } = ChunkCipher.Algorithm;

    [JsonPropertyName("chunk_naming")]
    public string ChunkNaming { get; init; } = ChunkCipher.ChunkNamingAlgorithm;

    [JsonPropertyName("key_id")]
    public required string KeyId { get; init; }
}
