using System.Text.Json;
using BackupPlatform.Hosting;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace BackupPlatform.Scheduler;

/// <summary>
/// Moves the messages of backup-worker.{host} to the scheduler's exchange as they are (same message
/// id, so the journal still ties them together), acknowledging each only after it was republished.
/// Commands the dead host had taken but not finished come back to its queue when its connection
/// drops, so they are moved too and run again elsewhere.
/// </summary>
public sealed class RabbitMqHostQueueDrain(BusOptions options, ILogger<RabbitMqHostQueueDrain> logger) : IHostQueueDrain
{
    public async Task<IReadOnlyList<Guid>> DrainAsync(string host, CancellationToken cancellationToken)
    {
        var queue = QueueNames.Worker(host);
        var factory = new ConnectionFactory { Uri = new Uri(options.RabbitMqUri), ClientProvidedName = "backup-scheduler-failover" };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
        }
        catch (OperationInterruptedException)
        {
            return [];
        }

        var moved = new List<Guid>();
        while (await channel.BasicGetAsync(queue, autoAck: false, cancellationToken) is { } message)
        {
            await channel.BasicPublishAsync(QueueNames.Scheduler, string.Empty, mandatory: false, new BasicProperties(message.BasicProperties), message.Body, cancellationToken);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            if (BackupIdOf(message.Body) is { } backupId)
            {
                moved.Add(backupId);
            }
        }

        logger.LogWarning("Moved {Count} commands from the queue of host {Host} back to the scheduler", moved.Count, host);
        return moved;
    }

    private static Guid? BackupIdOf(ReadOnlyMemory<byte> envelope)
    {
        try
        {
            using var document = JsonDocument.Parse(envelope);
            return document.RootElement.TryGetProperty("message", out var message)
                && message.TryGetProperty("backupId", out var id) && id.TryGetGuid(out var backupId)
                ? backupId
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
