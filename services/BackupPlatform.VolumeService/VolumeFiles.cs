namespace BackupPlatform.VolumeService;

/// <summary>The files behind volumes: sparse, so a fresh 1 GiB volume costs no disk until written.</summary>
public sealed class VolumeFiles(VolumeServiceOptions options)
{
    public const long GiB = 1024L * 1024 * 1024;

    public string Root { get; } = System.IO.Path.GetFullPath(options.Path);

    public string PathOf(Guid volumeId) => System.IO.Path.Combine(Root, $"{volumeId}.img");

    public string SnapshotPathOf(Guid snapshotId) => System.IO.Path.Combine(Root, "snapshots", $"{snapshotId}.img");

    public void Create(Guid volumeId, int sizeGb)
    {
        Directory.CreateDirectory(Root);
        using var file = new FileStream(PathOf(volumeId), FileMode.CreateNew, FileAccess.Write);
        file.SetLength(sizeGb * GiB);
    }

    public void Delete(Guid volumeId) => File.Delete(PathOf(volumeId));

    /// <summary>
    /// Copies a volume's file into a new volume, keeping holes as holes: a point-in-time copy to read
    /// while the original stays in use (the reference service's stand-in for a snapshot).
    /// </summary>
    public void CopySparse(Guid source, Guid target) => CopySparse(PathOf(source), PathOf(target));

    public static void CopySparse(string sourcePath, string targetPath)
    {
        const int Block = 1024 * 1024;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(targetPath)!);
        using var input = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, Block, FileOptions.SequentialScan);
        using var output = new FileStream(targetPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, Block);
        output.SetLength(input.Length);
        var buffer = new byte[Block];
        long offset = 0;
        int read;
        while ((read = input.ReadAtLeast(buffer, Block, throwOnEndOfStream: false)) > 0)
        {
            if (buffer.AsSpan(0, read).ContainsAnyExcept((byte)0))
            {
                output.Position = offset;
                output.Write(buffer, 0, read);
            }

            offset += read;
        }

        output.Flush(flushToDisk: true);
    }
}
