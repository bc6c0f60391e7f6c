using BackupPlatform.Contracts.Volume.V2;

namespace BackupPlatform.VolumeService;

/// <summary>
/// The random id in the marker file of the volumes directory (<see cref="VolumeConnector.MarkerFileName"/>),
/// written when the service starts if it is not there yet. A worker that reads the same id from the
/// same file name in its own volumes directory sees these files and gets a file connection; any other
/// worker gets the HTTP data path. No setting says which: the shared mount itself does.
/// </summary>
public sealed class VolumesMarker(VolumeFiles files) : IHostedService
{
    private string? _id;

    public string FileSystemId => _id ??= Ensure();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = FileSystemId;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private string Ensure()
    {
        Directory.CreateDirectory(files.Root);
        var marker = Path.Combine(files.Root, VolumeConnector.MarkerFileName);
        if (!File.Exists(marker))
        {
            // Written aside and moved in without overwriting: two services starting on one directory keep one id.
            var written = $"{marker}.{Guid.NewGuid():N}";
            File.WriteAllText(written, Guid.NewGuid().ToString("N"));
            try
            {
                File.Move(written, marker, overwrite: false);
            }
            catch (IOException) when (File.Exists(marker))
            {
                File.Delete(written);
            }
        }

        return File.ReadAllText(marker).Trim();
    }
}
