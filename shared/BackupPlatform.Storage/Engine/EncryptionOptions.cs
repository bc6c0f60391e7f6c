namespace BackupPlatform.Storage.Engine;

/// <summary>
/// Configuration section "BackupPlatform:Engine:Encryption". With no key, backups are not encrypted.
/// With a key, new backups are sealed under it. A restore finds its backup's key by the key id in
/// the manifest, among the key and the previous keys, so keys can be rotated.
/// </summary>
public sealed class EncryptionOptions
{
    private ChunkCipher[]? _ciphers;

    /// <summary>32 random bytes in base64 (`openssl rand -base64 32`), from a secret; never logged.</summary>
    public string? Key { get; set; }

    /// <summary>Keys that sealed earlier backups, still needed to restore them.</summary>
    public List<string> PreviousKeys { get; set; } = [];

    /// <summary>The key new backups are sealed under; null when encryption is off.</summary>
    public ChunkCipher? Current => string.IsNullOrWhiteSpace(Key) ? null : Ciphers()[0];

    /// <summary>The key with this id, or null when it is not configured.</summary>
    public ChunkCipher? Find(string keyId) => Ciphers().FirstOrDefault(c => c.KeyId == keyId);

    /// <summary>Parses every key once; throws naming the setting that is malformed.</summary>
    public void Validate() => Ciphers();

    private ChunkCipher[] Ciphers()
    {
        if (_ciphers is null)
        {
            var ciphers = new List<ChunkCipher>();
            if (!string.IsNullOrWhiteSpace(Key))
            {
                ciphers.Add(ChunkCipher.FromBase64(Key, $"{EngineOptions.Section}:Encryption:Key"));
            }

            ciphers.AddRange(PreviousKeys.Select((key, i) => ChunkCipher.FromBase64(key, $"{EngineOptions.Section}:Encryption:PreviousKeys:{i}")));
            _ciphers = [.. ciphers];
        }

        return _ciphers;
    }
}
