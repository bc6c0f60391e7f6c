using System.Security.Cryptography;
using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// The key that plain backups' chunk names derive from, kept in the container with the data it names
/// (keys/naming/{key-id}, 32 random bytes): every restore, import or copy of the container finds it there,
/// and no configuration can change it under a stored backup. It is created by the first backup that
/// needs it and never rewritten: the object is named by the key's id, so two workers that race to create
/// one write two objects side by side, never one over the other, and from then on every backup picks the
/// lowest id. It keeps projects' chunk names apart; it hides nothing from whoever reads the store, who reads
/// a plain backup's bytes anyway (an encrypted backup's names derive from its encryption key instead).
/// </summary>
public static class ContainerNamingKey
{
    public const int KeyLength = 32;

    /// <summary>The key new backups use, created when the container has none; its id and bytes.</summary>
    public static async Task<(string KeyId, byte[] Key)> LoadOrCreateAsync(IObjectStore store, string container, CancellationToken cancellationToken)
    {
        if (await LowestAsync(store, container, cancellationToken) is { } existing)
        {
            return existing;
        }

        var key = RandomNumberGenerator.GetBytes(KeyLength);
        await store.PutAsync(container, StoreLayout.NamingKey(ChunkNaming.KeyId(key)), key, cancellationToken);

        // Another worker may have created one at the same moment: both then settle on the lowest id.
        // A listing that does not show ours yet (Swift is eventually consistent) still leaves ours valid.
        return await LowestAsync(store, container, cancellationToken) ?? (ChunkNaming.KeyId(key), key);
    }

    /// <summary>The key with this id; <see cref="InvalidDataException"/> when it is missing or is not the key the id names.</summary>
    public static async Task<byte[]> ReadAsync(IObjectStore store, string container, string keyId, CancellationToken cancellationToken)
    {
        var name = StoreLayout.NamingKey(keyId);
        byte[] key;
        try
        {
            key = await store.GetAsync(container, name, cancellationToken);
        }
        catch (ObjectNotFoundException e)
        {
            throw new InvalidDataException($"The chunk naming key {name} is missing from container {container}: the backups it named cannot be verified.", e);
        }

        if (key.Length != KeyLength || ChunkNaming.KeyId(key) != keyId)
        {
            throw new InvalidDataException($"The chunk naming key {name} in container {container} is damaged: it is not the key its name says.");
        }

        return key;
    }

    private static async Task<(string KeyId, byte[] Key)?> LowestAsync(IObjectStore store, string container, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await foreach (var name in store.ListAsync(container, StoreLayout.NamingKeyPrefix, cancellationToken))
        {
            var id = name[StoreLayout.NamingKeyPrefix.Length..];
            if (id.Length == 16 && id.All(char.IsAsciiHexDigitLower))
            {
                ids.Add(id);
            }
        }

        foreach (var id in ids.Order(StringComparer.Ordinal))
        {
            try
            {
                return (id, await ReadAsync(store, container, id, cancellationToken));
            }
            catch (InvalidDataException)
            {
                // Not a key (damaged, or gone since the listing): the next one, or a new one.
            }
        }

        return null;
    }
}
