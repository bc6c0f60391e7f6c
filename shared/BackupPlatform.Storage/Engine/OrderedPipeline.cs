using System.Threading.Channels;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// Runs items through a concurrent stage and hands the results to a sink in their original order.
/// At most <c>parallelism</c> items are between the source and the sink, so memory stays flat
/// whatever the volume size. The first failure cancels the rest and is rethrown.
/// </summary>
internal static class OrderedPipeline
{
    public static async Task RunAsync<TIn, TOut>(
        Func<CancellationToken, IAsyncEnumerable<TIn>> source,
        Func<TIn, CancellationToken, Task<TOut>> stage,
        Func<TOut, ValueTask> sink,
        int parallelism,
        CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inFlight = Channel.CreateBounded<Task<TOut>>(new BoundedChannelOptions(parallelism) { SingleReader = true, SingleWriter = true });

        var producer = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var item in source(cts.Token).WithCancellation(cts.Token))
                    {
                        var work = Task.Run(() => stage(item, cts.Token), cts.Token);
                        await inFlight.Writer.WriteAsync(work, cts.Token);
                    }

                    inFlight.Writer.Complete();
                }
                catch (Exception e)
                {
                    inFlight.Writer.TryComplete(e);
                }
            },
            CancellationToken.None);

        try
        {
            await foreach (var work in inFlight.Reader.ReadAllAsync(CancellationToken.None))
            {
                await sink(await work);
            }

            await inFlight.Reader.Completion;
        }
        catch
        {
            await cts.CancelAsync();
            await producer;
            while (inFlight.Reader.TryRead(out var abandoned))
            {
                await ((Task)abandoned).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            throw;
        }

        await producer;
    }
}
