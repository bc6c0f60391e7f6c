using BackupPlatform.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Polly;

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
        services.AddHttpClient(Name, (provider, client) =>
            {
                var options = provider.GetRequiredService<VolumeServiceClientOptions>();
                client.BaseAddress = options.BaseAddress();
                client.DefaultRequestHeaders.Add(VolumeContractHttp.TokenHeader, options.ServiceToken);
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddResilienceHandler(Name, (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<VolumeServiceClientOptions>();
                if (options.Retry.Attempts > 0)
                {
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
