using System.Text.Json;
using BackupPlatform.Contracts;
using BackupPlatform.Data;
using BackupPlatform.Hosting.Journal;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Hosting.Admin;

/// <summary>
/// The journal operations an operator has, shared by the admin tool, the admin HTTP API and the
/// tests: list messages, show one in full, replay one to where it went first.
/// </summary>
public sealed class MessageOperations(BackupDbContext db, IBus bus)
{
    public async Task<IReadOnlyList<JournalEntry>> ListAsync(JournalQuery query, CancellationToken cancellationToken)
    {
        var rows = db.Journal.AsNoTracking();
        if (query.BackupId is { } backupId)
        {
            rows = rows.Where(e => e.BackupId == backupId);
        }

        if (!string.IsNullOrEmpty(query.MessageType))
        {
            rows = rows.Where(e => e.MessageType != null && e.MessageType.Contains(query.MessageType));
        }

        if (!string.IsNullOrEmpty(query.Outcome))
        {
            rows = rows.Where(e => e.Outcome == query.Outcome);
        }

        if (!string.IsNullOrEmpty(query.Kind))
        {
            rows = rows.Where(e => e.Kind == query.Kind);
        }

        if (query.Since is { } since)
        {
            rows = rows.Where(e => e.RecordedAt >= since);
        }

        if (query.Until is { } until)
        {
            rows = rows.Where(e => e.RecordedAt <= until);
        }

        return await rows.OrderByDescending(e => e.Sequence).Take(Math.Clamp(query.Limit, 1, 10_000)).ToListAsync(cancellationToken);
    }

    /// <summary>Every row about one message: its send or publish, its consumes, and the replays of it.</summary>
    public async Task<IReadOnlyList<JournalEntry>> ShowAsync(Guid messageId, CancellationToken cancellationToken) =>
        await db.Journal.AsNoTracking()
            .Where(e => e.MessageId == messageId || e.ReplayOf == messageId)
            .OrderBy(e => e.Sequence)
            .ToListAsync(cancellationToken);

    /// <summary>
    /// Sends the message again, with a new message id and the header BackupPlatform-Replay-Of, to the
    /// endpoint that consumed it (a faulted consume first), or where it was sent or published. Safe,
    /// because consumers are idempotent: a replay of a finished step is journaled as skipped.
    /// </summary>
    public async Task<ReplayResult> ReplayAsync(Guid messageId, CancellationToken cancellationToken)
    {
        var rows = await db.Journal.AsNoTracking().Where(e => e.MessageId == messageId && e.Body != null).OrderBy(e => e.Sequence).ToListAsync(cancellationToken);
        var original = rows.Where(e => e.Kind == JournalKinds.Consume).OrderBy(e => e.Outcome == JournalOutcomes.Faulted ? 0 : 1).FirstOrDefault()
            ?? rows.FirstOrDefault(e => e.Kind is JournalKinds.Send or JournalKinds.Publish)
            ?? throw new MessageNotFoundException($"The journal has no message {messageId} to replay.");
        var type = typeof(RpcVersion).Assembly.GetType(original.MessageType ?? string.Empty)
            ?? throw new MessageNotFoundException($"Message {messageId} is a {original.MessageType}, not a contract of this version: it cannot be replayed.");
        var message = JsonSerializer.Deserialize(original.Body!, type)
            ?? throw new MessageNotFoundException($"Message {messageId} has an empty body.");

        var replayId = NewId.NextGuid();
        void Headers(SendContext context)
        {
            context.MessageId = replayId;
            context.CorrelationId = original.CorrelationId;
            context.Headers.Set(JournalHeaders.ReplayOf, messageId.ToString());
        }

        string destination;
        if (original.Kind == JournalKinds.Publish)
        {
            destination = "publish";
            await bus.Publish(message, type, Pipe.Execute<PublishContext>(Headers), cancellationToken);
        }
        else
        {
            destination = JournalEntries.QueueOf(new Uri(original.DestinationAddress ?? throw new MessageNotFoundException($"Message {messageId} has no destination.")));
            var endpoint = await bus.GetSendEndpoint(QueueNames.Address(destination));
            await endpoint.Send(message, type, Pipe.Execute<SendContext>(Headers), cancellationToken);
        }

        return new ReplayResult(messageId, replayId, original.MessageType!, destination);
    }
}
