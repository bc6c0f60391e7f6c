using System.Diagnostics;
using System.Text.Json;
using BackupPlatform.Contracts;
using BackupPlatform.Data;
using BackupPlatform.Hosting.Telemetry;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackupPlatform.Hosting;

/// <summary>
/// Sends what the outbox holds, oldest first, and marks it sent. While the broker is down it keeps
/// the messages and tries again with backoff; a message may be sent twice after a crash between the
/// send and the mark (on PostgreSQL a batch's marks commit together), which the idempotent consumers absorb
/// (the outbox id is the message id).
/// Every process that writes outbox rows runs one (API, scheduler, worker); on PostgreSQL a batch is
/// sent under a transaction-scoped advisory lock, so only one relay of the deployment sends at a time:
/// no row is sent by two relays, and the rows go out in the order they were written (a backup's
/// notifications in the order of its moves). SQLite's file belongs to one process, with one relay.
/// </summary>
public sealed class OutboxRelay(IServiceScopeFactory scopes, IBus bus, OutboxSignal signal, ILogger<OutboxRelay> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    /// <summary>A relay that cannot send a batch in this long gives the lock up (a broker it cannot reach must not stop the others).</summary>
    private static readonly TimeSpan BatchTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The advisory lock key of the relay ("outbox" in ASCII).</summary>
    private const long RelayLock = 0x6f7574626f78;

    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var sent = await RelayBatchAsync(stoppingToken);
                backoff = TimeSpan.Zero;
                if (sent > 0)
                {
                    continue;
                }

                await signal.WaitAsync(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                logger.LogWarning(e, "Outbox relay could not send; retrying in {Backoff}", backoff);
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Sends one batch; returns how many messages went out.</summary>
    public async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BackupDbContext>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(BatchTimeout);
        cancellationToken = timeout.Token;
        await using var claim = db.Database.IsNpgsql() ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        if (claim is not null
            && !await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({RelayLock}) AS \"Value\"").SingleAsync(cancellationToken))
        {
            // Another relay is sending; it takes these rows too. The next poll tries again.
            return 0;
        }

        var batch = await db.OutboxMessages
            .Where(m => m.SentAt == null)
            .OrderBy(m => m.Sequence)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);

        foreach (var message in batch)
        {
            message.Attempts++;
            var type = typeof(RpcVersion).Assembly.GetType(message.MessageType)
                ?? throw new InvalidOperationException($"Outbox message {message.Id} has unknown type {message.MessageType}.");
            var body = JsonSerializer.Deserialize(message.Body, type)!;

            // Continue the trace of the request that wrote the row: MassTransit's send span, and
            // everything downstream of it, then belongs to that request's trace.
            ActivityContext.TryParse(message.TraceParent, null, out var parent);
            using var activity = HostingTelemetry.Source.StartActivity($"outbox relay {type.Name}", ActivityKind.Producer, parent);
            activity?.SetTag("messaging.message.id", message.Id.ToString());
            void Headers(SendContext context)
            {
                context.MessageId = message.Id;
                context.CorrelationId = message.CorrelationId;
            }

            if (message.Destination is null)
            {
                await bus.Publish(body, type, Pipe.Execute<PublishContext>(Headers), cancellationToken);
            }
            else
            {
                var endpoint = await bus.GetSendEndpoint(QueueNames.Address(message.Destination));
                await endpoint.Send(body, type, Pipe.Execute<SendContext>(Headers), cancellationToken);
            }

            message.SentAt = DateTime.UtcNow;
            await db.SaveChangesAsync(cancellationToken);
        }

        if (claim is not null)
        {
            await claim.CommitAsync(cancellationToken);
        }

        return batch.Count;
    }
}
