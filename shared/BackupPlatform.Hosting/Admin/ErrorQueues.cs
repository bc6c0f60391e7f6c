using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BackupPlatform.Hosting.Journal;
using RabbitMQ.Client;

namespace BackupPlatform.Hosting.Admin;

/// <summary>
/// The RabbitMQ error queues (queue_error, where MassTransit moves what faulted or did not
/// deserialize): list them and their messages, and move messages back to the queue they failed on.
/// The management HTTP API names the queues; messages are read with AMQP basic.get and left unacked
/// until the channel closes, so reading never loses or reorders one.
/// </summary>
public sealed class ErrorQueues(BusOptions options, RabbitMqManagement management)
{
    private const string Suffix = "_error";

    /// <summary>The error queues of the broker's virtual host, with their depth.</summary>
    public async Task<IReadOnlyDictionary<string, long>> QueuesAsync(CancellationToken cancellationToken)
    {
        EnsureRabbitMq();
        return (await management.QueueDepthsAsync(cancellationToken))
            .Where(q => q.Key.EndsWith(Suffix, StringComparison.Ordinal))
            .OrderBy(q => q.Key, StringComparer.Ordinal)
            .ToDictionary(q => q.Key, q => q.Value);
    }

    /// <summary>Up to <paramref name="limit"/> messages of one error queue, or of all of them.</summary>
    public async Task<IReadOnlyList<ErrorQueueMessage>> ListAsync(string? queue, int limit, CancellationToken cancellationToken)
    {
        var queues = queue is null ? (await QueuesAsync(cancellationToken)).Keys.ToList() : [queue];
        var messages = new List<ErrorQueueMessage>();
        await using var connection = await ConnectAsync(cancellationToken);
        foreach (var name in queues)
        {
            // One channel per queue: closing it returns the unacked messages to where they were.
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            while (messages.Count < limit && await channel.BasicGetAsync(name, autoAck: false, cancellationToken) is { } delivery)
            {
                messages.Add(Read(name, delivery));
            }

            await channel.CloseAsync(cancellationToken);
        }

        return messages;
    }

    /// <summary>
    /// Moves messages of an error queue back to the queue they failed on (all of them, or the one
    /// with <paramref name="messageId"/>), without MassTransit's fault headers and with the header
    /// BackupPlatform-Replay-Of. Each is published before it is removed, so a crash may duplicate
    /// one (the consumers are idempotent) but never loses one.
    /// </summary>
    public async Task<IReadOnlyList<ErrorQueueMessage>> ReplayAsync(string queue, string? messageId, CancellationToken cancellationToken)
    {
        var replayed = new List<ErrorQueueMessage>();
        await using var connection = await ConnectAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        while (await channel.BasicGetAsync(queue, autoAck: false, cancellationToken) is { } delivery)
        {
            var message = Read(queue, delivery);
            if (messageId is null || string.Equals(message.MessageId, messageId, StringComparison.OrdinalIgnoreCase))
            {
                var target = JournalEntries.QueueOf(message.InputAddress is { } input ? new Uri(input) : null);
                if (string.IsNullOrEmpty(target))
                {
                    target = queue[..^Suffix.Length];
                }

                var properties = new BasicProperties(delivery.BasicProperties)
                {
                    Headers = delivery.BasicProperties.Headers?
                        .Where(h => !h.Key.StartsWith("MT-Fault-", StringComparison.Ordinal) && h.Key != "MT-Reason")
                        .ToDictionary(h => h.Key, h => h.Value) ?? [],
                };
                properties.Headers[JournalHeaders.ReplayOf] = message.MessageId;
                await channel.BasicPublishAsync(string.Empty, target, mandatory: false, properties, WithReplayHeader(delivery.Body, message.MessageId), cancellationToken);
                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, cancellationToken);
                replayed.Add(message with { InputAddress = target });
            }

            if (delivery.MessageCount == 0)
            {
                break;
            }
        }

        await channel.CloseAsync(cancellationToken);
        return replayed;
    }

    /// <summary>MassTransit reads headers from its JSON envelope: the replay header goes in there too.</summary>
    private static ReadOnlyMemory<byte> WithReplayHeader(ReadOnlyMemory<byte> body, string? messageId)
    {
        try
        {
            if (JsonNode.Parse(body.Span) is JsonObject envelope && envelope["message"] is not null)
            {
                if (envelope["headers"] is not JsonObject headers)
                {
                    headers = [];
                    envelope["headers"] = headers;
                }

                headers[JournalHeaders.ReplayOf] = messageId;
                return JsonSerializer.SerializeToUtf8Bytes(envelope);
            }
        }
        catch (JsonException)
        {
            // Not JSON (a poison message): it goes back as it is.
        }

        return body;
    }

    private static ErrorQueueMessage Read(string queue, BasicGetResult delivery)
    {
        var headers = (delivery.BasicProperties.Headers ?? new Dictionary<string, object?>())
            .ToDictionary(h => h.Key, h => Text(h.Value), StringComparer.Ordinal);
        var body = Encoding.UTF8.GetString(delivery.Body.Span);
        return new ErrorQueueMessage
        {
            Queue = queue,
            MessageId = delivery.BasicProperties.MessageId ?? EnvelopeField(body, "messageId"),
            MessageType = EnvelopeField(body, "messageType"),
            Reason = headers.GetValueOrDefault("MT-Fault-Message"),
            ExceptionType = headers.GetValueOrDefault("MT-Fault-ExceptionType"),
            InputAddress = headers.GetValueOrDefault("MT-Fault-InputAddress"),
            FaultedAt = headers.GetValueOrDefault("MT-Fault-Timestamp"),
            Headers = headers,
            Body = body,
        };
    }

    private static string? EnvelopeField(string body, string field)
    {
        try
        {
            var value = JsonNode.Parse(body)?[field];
            return value switch
            {
                JsonArray array => array.FirstOrDefault()?.GetValue<string>(),
                JsonValue single => single.ToString(),
                _ => null,
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        _ => value.ToString(),
    };

    private async Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        EnsureRabbitMq();
        var factory = new ConnectionFactory { Uri = new Uri(options.RabbitMqUri), ClientProvidedName = "backupplatform-admin" };
        return await factory.CreateConnectionAsync(cancellationToken);
    }

    private void EnsureRabbitMq()
    {
        if (!options.Transport.Equals("rabbitmq", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("Error queues exist on RabbitMQ only; the in-memory bus keeps none.");
        }
    }
}
