namespace BackupPlatform.VolumeService;

/// <summary>The files behind volumes: sparse, so a fresh 1 GiB volume costs no disk until written.</summary>
public sealed class VolumeFiles(VolumeServiceOptions options)
{
    public const long GiB = 1024L * 1024 * 1024;

    public string Root { get; } = System.IO.Path.GetFullPath(options.Path);

    public string PathOf(Guid volumeId) => System.IO.Path.Combine(Root, $"{volumeId}.img");

    public void Create(Guid volumeId, int sizeGb)
    {
        Directory.CreateDirectory(Root);
        using var file = new FileStream(PathOf(volumeId), FileMode.CreateNew, FileAccess.Write);
        file.SetLength(sizeGb * GiB);
    }

    public void Delete(Guid volumeId) => File.Delete(PathOf(volumeId));
}
