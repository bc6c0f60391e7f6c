using BackupPlatform.Contracts.Volume.V2;
using BackupPlatform.Hosting;
using BackupPlatform.Storage.Devices;

namespace BackupPlatform.Worker;

/// <summary>
/// os-brick on the worker: tells the volume service what this host can reach (its connector
/// properties) and opens the device the answer's driver type names. The host sees the volume files
/// when it finds the volume service's marker (<see cref="VolumeConnector.MarkerFileName"/>) in its own
/// <c>BackupPlatform:Volumes:Path</c>, the same setting the volume service keeps them under: a worker
/// that mounts the volumes directory gets the file connector, one that does not gets the HTTP data path
/// of <c>BackupPlatform:VolumeService:Url</c>. Nothing else to configure either way.
/// </summary>
public sealed class VolumeConnectors(
    IHttpClientFactory httpClients,
    VolumeServiceClientOptions volumeService,
    VolumeConnectors.Settings settings,
    ILogger<VolumeConnectors> logger)
{
    public const string DataClientName = "volume-data";

    /// <summary>The connector properties sent with InitializeConnection; the marker is read each time, so a directory mounted later counts.</summary>
    public VolumeConnector Properties()
    {
        var root = Path.GetFullPath(settings.VolumesPath);
        var marker = Path.Combine(root, VolumeConnector.MarkerFileName);
        try
        {
            return new VolumeConnector { VolumesFileSystemId = File.ReadAllText(marker).Trim(), VolumesPath = root };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new VolumeConnector();
        }
    }

    /// <summary>Opens the connected volume: for reading (a backup) or for writing (a restore).</summary>
    public IVolumeDevice Open(VolumeConnection connection, bool forWriting)
    {
        logger.LogInformation("Volume {VolumeId} attached through the {Connector} connector ({Path})", connection.VolumeId, connection.DriverVolumeType, connection.Path);
        switch (connection.DriverVolumeType)
        {
            case DriverVolumeTypes.File:
                return forWriting ? FileVolumeDevice.OpenWrite(connection.Path, connection.SizeBytes) : FileVolumeDevice.OpenRead(connection.Path, connection.SizeBytes);
            case DriverVolumeTypes.Http:
                if (string.IsNullOrEmpty(volumeService.Url))
                {
                    throw new InvalidOperationException($"The volume service connected volume {connection.VolumeId} over HTTP, but {VolumeServiceClientOptions.Section}:Url is not set on this worker.");
                }

                return new HttpVolumeDevice(httpClients.CreateClient(DataClientName), new Uri(new Uri(volumeService.Url), connection.Path), connection.SizeBytes);
            default:
                throw new InvalidOperationException($"The volume service connected volume {connection.VolumeId} through a {connection.DriverVolumeType} connection, which this worker has no connector for.");
        }
    }

    /// <summary>Where this host would see the volume service's files: "BackupPlatform:Volumes:Path", as on the volume service.</summary>
    public sealed record Settings(string VolumesPath)
    {
        public const string Key = "BackupPlatform:Volumes:Path";

        public static Settings From(IConfiguration configuration) => new(configuration[Key] ?? "data/volumes");
    }
}
