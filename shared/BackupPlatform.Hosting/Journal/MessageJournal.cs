using System.Threading.Channels;
using BackupPlatform.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackupPlatform.Hosting.Journal;

/// <summary>
/// Takes journal rows from the bus observers and writes them in batches in the background: the bus
/// path only queues a row in memory, so a slow or unreachable database never slows or fails a send
/// or a consume. Rows still queued at shutdown are written before the host stops.
/// </summary>
public sealed class MessageJournal(JournalOptions options, IServiceScopeFactory scopes, ILogger<MessageJournal> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    private readonly Channel<JournalEntry> _entries = Channel.CreateBounded<JournalEntry>(
        new BoundedChannelOptions(Math.Max(1, options.Capacity)) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private readonly HashSet<string> _skipped = options.SkipTypes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    private long _dropped;

    public void Record(JournalEntry entry)
    {
        if (entry.Outcome is JournalOutcomes.Sent or JournalOutcomes.Published or JournalOutcomes.Consumed && IsSkipped(entry.MessageType))
        {
            return;
        }

        entry.Service ??= options.Service;
        if (!_entries.Writer.TryWrite(entry))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The bus stops before this service (registered after it), so nothing more arrives: finish the queue.
        _entries.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<JournalEntry>(options.BatchSize);
        while (await _entries.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < options.BatchSize && _entries.Reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            await WriteAsync(batch, stoppingToken);
            batch.Clear();
            var dropped = Interlocked.Exchange(ref _dropped, 0);
            if (dropped > 0)
            {
                logger.LogWarning("Message journal was {Capacity} rows behind: {Dropped} rows were not recorded", options.Capacity, dropped);
            }
        }
    }

    private async Task WriteAsync(List<JournalEntry> batch, CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<BackupDbContext>();
                db.Journal.AddRange(batch);
                await db.SaveChangesAsync(CancellationToken.None);
                return;
            }
            catch (Exception e) when (attempt < 5 && !stoppingToken.IsCancellationRequested)
            {
                // At start the table may not exist yet (another service migrates); the database may be restarting.
                logger.LogDebug(e, "Message journal could not write {Count} rows; retrying in {Backoff}", batch.Count, backoff);
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Message journal dropped {Count} rows it could not write", batch.Count);
                return;
            }
        }
    }

    private bool IsSkipped(string? type) =>
        type is not null && _skipped.Count > 0 && (_skipped.Contains(type) || _skipped.Contains(type[(type.LastIndexOf('.') + 1)..]));
}
