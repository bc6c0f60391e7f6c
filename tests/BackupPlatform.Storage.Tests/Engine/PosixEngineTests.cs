using BackupPlatform.Storage.Engine;
using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Storage.Tests.Engine;

public sealed class PosixEngineTests : EngineTests, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"bp-posix-engine-{Guid.NewGuid():N}");

    protected override IObjectStore CreateStore() => new PosixStore(_root);

    [Fact]
    public async Task A_flipped_byte_in_a_pack_fails_the_restore_naming_the_chunk_and_its_pack()
    {
        var volume = TestVolumes.Mixed(2, seed: 9);
        var result = await BackupAsync(volume, Options());
        var pack = (await ListAsync(StoreLayout.PackPrefix)).Order(StringComparer.Ordinal).First();
        var bytes = await Store.GetAsync(Container, pack, None);
        bytes[bytes.Length / 2] ^= 0xFF;
        await Store.PutAsync(Container, pack, bytes, None);

        var failure = await Assert.ThrowsAsync<CorruptChunkException>(() => RestoreAsync(result.BackupId, volume.Length, targetIsNew: true));

        Assert.Equal(pack, failure.Pack);
        Assert.Matches("^[0-9a-f]{64}$", failure.Chunk);
        Assert.Contains($"Chunk {failure.Chunk} in {pack}", failure.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
