using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace BackupPlatform.Hosting;

public static class VolumeServiceClientRegistration
{
    /// <summary>
    /// The typed <see cref="VolumeServiceClient"/>: base address and service token from
    /// <see cref="VolumeServiceClientOptions"/> (a missing one stops the service at start), and a
    /// resilience pipeline of bounded retries with exponential backoff and jitter around a per-attempt
    /// timeout. Once per process, however many of its services call it (the all-in-one).
    /// </summary>
    public static IServiceCollection AddVolumeServiceClient(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(VolumeServiceClient)))
        {
            return services;
        }

        // The all-in-one registers its own options first (its own address, a token of its own).
        var options = services.FirstOrDefault(d => d.ServiceType == typeof(VolumeServiceClientOptions))?.ImplementationInstance as VolumeServiceClientOptions
            ?? VolumeServiceClientOptions.Read(configuration);
        var baseAddress = options.BaseAddress();
        services.TryAddSingleton(options);
        services.AddHttpClient<VolumeServiceClient>(client =>
            {
                client.BaseAddress = baseAddress;
                client.DefaultRequestHeaders.Add(VolumeContractHttp.TokenHeader, options.ServiceToken);
                // The pipeline's timeouts bound each attempt and the retries bound the call.
                client.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
            })
            .AddResilienceHandler("volume-service", pipeline =>
            {
                if (options.Retry.Attempts > 0)
                {
                    // Every call is retried, POSTs included: each is safe to repeat (VolumeContract).
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = options.Retry.Attempts,
                        Delay = options.Retry.Backoff,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                    });
                }

                pipeline.AddTimeout(options.Timeout);
            });
        return services;
    }
}
