using Microsoft.Extensions.Configuration;

namespace BackupPlatform.Hosting;

/// <summary>Configuration section "BackupPlatform:VolumeService": how a service reaches the volume service, and the token its internal endpoints require.</summary>
public sealed class VolumeServiceClientOptions
{
    public const string Section = "BackupPlatform:VolumeService";

    /// <summary>The volume service's base URL; required by every service that calls it (API, scheduler, worker).</summary>
    public string? Url { get; set; }

    /// <summary>Shared secret callers present on the volume service's internal endpoints (which refuse all calls without one).</summary>
    public string? ServiceToken { get; set; }

    /// <summary>How long one attempt of a call waits for its answer.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public VolumeServiceRetryOptions Retry { get; set; } = new();

    public static VolumeServiceClientOptions Read(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<VolumeServiceClientOptions>() ?? new VolumeServiceClientOptions();

    /// <summary>The base address, or a start-up error that names the missing setting.</summary>
    public Uri BaseAddress()
    {
        if (string.IsNullOrWhiteSpace(Url) || !Uri.TryCreate(Url.TrimEnd('/') + "/", UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException(
                $"{Section}:Url must be the volume service's base URL (e.g. http://volume-service:8080), but it is '{Url}'. " +
                "The API, the scheduler and the workers call the volume service over HTTP only.");
        }

        if (string.IsNullOrEmpty(ServiceToken))
        {
            throw new InvalidOperationException(
                $"{Section}:ServiceToken is not set: the volume service refuses every internal call without the shared service token. Set the same value on the volume service and its callers.");
        }

        return address;
    }
}

/// <summary>Retries of a volume-service call that failed transiently (no connection, 5xx, 408, 429, an attempt timed out).</summary>
public sealed class VolumeServiceRetryOptions
{
    /// <summary>Retries after the first attempt; 0 turns retrying off.</summary>
    public int Attempts { get; set; } = 5;

    /// <summary>The first delay; each further one about doubles, with jitter.</summary>
    public TimeSpan Backoff { get; set; } = TimeSpan.FromSeconds(1);
}
