using BackupPlatform.Hosting;

namespace BackupPlatform.Worker;

public static class VolumeDataClient
{
    public const string Name = "volume-data";

    /// <summary>
    /// The HTTP data path's client: the volume service's address and token, and the same retries as the
    /// contract's calls (every data request is idempotent: a write puts the same bytes at the same offset).
    /// </summary>
    public static IServiceCollection AddVolumeDataClient(this IServiceCollection services)
    {
        services.AddHttpClient(Name).UseVolumeService();
        return services;
    }
}
