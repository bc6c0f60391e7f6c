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
/// send and the mark, which the idempotent consumers absorb (the outbox id is the message id).
/// Every API and scheduler replica runs a relay over the one outbox: a batch is read, sent and
/// marked under a database lock, so that two relays never send the same row (a second scheduler
/// would otherwise route every command twice).
/// </summary>
public sealed class OutboxRelay(IServiceScopeFactory scopes, IBus bus, OutboxSignal signal, ILogger<OutboxRelay> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

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
        var sent = 0;
        await DatabaseLock.RunAsync(db, "outbox-relay", async ct => sent = await RelayLockedAsync(db, ct), cancellationToken);
        return sent;
    }

    private async Task<int> RelayLockedAsync(BackupDbContext db, CancellationToken cancellationToken)
    {
        var batch = await db.OutboxMessages
            .Where(m => m.SentAt == null)
            .OrderBy(m => m.Sequence)
            .Take(100)
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

        return batch.Count;
    }
}
