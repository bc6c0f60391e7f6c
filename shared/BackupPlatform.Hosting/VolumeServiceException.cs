namespace BackupPlatform.Hosting;

/// <summary>The volume service refused a request; <see cref="NotFound"/> tells a missing volume from a bad state.</summary>
public sealed class VolumeServiceException(string message, bool notFound) : Exception(message)
{
    public bool NotFound { get; } = notFound;
}
