using System.Runtime.CompilerServices;
using Polly;
using Polly.Retry;

namespace BackupPlatform.Storage.Stores;

/// <summary>
/// Retries a driver's failed requests with exponential backoff (a Polly pipeline per store). Store
/// objects are written whole and never modified, so every call is safe to repeat. A missing object
/// or a bad name is an answer, not a fault, and is not retried; when the attempts run out, the
/// store's own error is what the caller sees.
/// </summary>
public sealed class RetryingStore(IObjectStore inner, RetryOptions options) : IObjectStore
{
    private readonly ResiliencePipeline _pipeline = options.Attempts <= 0
        ? ResiliencePipeline.Empty
        : new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.Attempts,
                Delay = options.Backoff,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder()
                    .Handle<StoreException>()
                    .Handle<HttpRequestException>()
                    .Handle<IOException>()
                    .Handle<System.Net.Sockets.SocketException>()
                    .Handle<TimeoutException>(),
            })
            .Build();

    public string Name => inner.Name;

    public IObjectStore Inner => inner;

    public Task CheckSetupAsync(CancellationToken cancellationToken) => inner.CheckSetupAsync(cancellationToken);

    public Task EnsureContainerAsync(string container, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(async ct => await inner.EnsureContainerAsync(container, ct), cancellationToken).AsTask();

    public Task PutAsync(string container, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(async ct => await inner.PutAsync(container, name, data, ct), cancellationToken).AsTask();

    public Task<byte[]> GetAsync(string container, string name, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(async ct => await inner.GetAsync(container, name, ct), cancellationToken).AsTask();

    public Task<int> ReadRangeAsync(string container, string name, long offset, Memory<byte> destination, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(async ct => await inner.ReadRangeAsync(container, name, offset, destination, ct), cancellationToken).AsTask();

    public Task<bool> ExistsAsync(string container, string name, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(async ct => await inner.ExistsAsync(container, name, ct), cancellationToken).AsTask();

    public Task<int> RemoveAbandonedUploadsAsync(string container, TimeSpan olderThan, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(async ct => await inner.RemoveAbandonedUploadsAsync(container, olderThan, ct), cancellationToken).AsTask();

    public Task DeleteAsync(string container, string name, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(async ct => await inner.DeleteAsync(container, name, ct), cancellationToken).AsTask();

    /// <summary>A listing is retried as a whole, before its first name is handed out.</summary>
    public async IAsyncEnumerable<string> ListAsync(string container, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var names = await _pipeline.ExecuteAsync(
            async ct =>
            {
                var all = new List<string>();
                await foreach (var name in inner.ListAsync(container, prefix, ct))
                {
                    all.Add(name);
                }

                return all;
            },
            cancellationToken);
        foreach (var name in names)
        {
            yield return name;
        }
    }
}
