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
        services.TryAddSingleton(options);
        // Checked when the host starts, not here: a migration job (Database:Migrate=Only) builds the
        // service without starting it and needs no volume service.
        services.AddHostedService<VolumeServiceClientCheck>();
        services.AddHttpClient<VolumeServiceClient>().UseVolumeService();
        return services;
    }

    /// <summary>
    /// A client of the volume service: its address and service token from <see cref="VolumeServiceClientOptions"/>,
    /// and one resilience pipeline of bounded retries with exponential backoff and jitter around a per-attempt
    /// timeout. The contract's typed client and the worker's data-path client both use it.
    /// </summary>
    public static IHttpClientBuilder UseVolumeService(this IHttpClientBuilder builder)
    {
        builder.ConfigureHttpClient((provider, client) =>
        {
            var options = provider.GetRequiredService<VolumeServiceClientOptions>();
            client.BaseAddress = options.BaseAddress();
            client.DefaultRequestHeaders.Add(VolumeContractHttp.TokenHeader, options.ServiceToken);
            // The pipeline's timeouts bound each attempt and the retries bound the call.
            client.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
        });
        builder.AddResilienceHandler(builder.Name, (pipeline, context) =>
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
                    ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context)),
                });
            }

            pipeline.AddTimeout(options.Timeout);
        });
        return builder;
    }

    /// <summary>Stops the service at start, naming the setting, when the volume service's address or token is missing.</summary>
    private sealed class VolumeServiceClientCheck(VolumeServiceClientOptions options) : Microsoft.Extensions.Hosting.IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            options.BaseAddress();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>
    /// Transient failures (no connection, 5xx, 408, 429, an attempt that timed out) are retried. For a
    /// call that is not safe to repeat, only a failure to connect: the service never saw the request.
    /// </summary>
    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        if (!HttpClientResiliencePredicates.IsTransient(outcome))
        {
            return false;
        }

        var repeatable = context.GetRequestMessage() is not { } request
            || !request.Options.TryGetValue(VolumeServiceClient.Repeatable, out var value)
            || value;
        return repeatable
            || outcome.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError };
    }
}
