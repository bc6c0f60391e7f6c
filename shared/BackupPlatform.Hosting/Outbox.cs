using System.Diagnostics;
using System.Text.Json;
using BackupPlatform.Data;

namespace BackupPlatform.Hosting;

/// <summary>Adds messages to the outbox of a context, so they commit with the rows they are about.</summary>
public static class Outbox
{
    public static void Send<T>(this BackupDbContext context, string queue, T message, Guid? correlationId = null)
        where T : class => Add(context, queue, message, correlationId);

    public static void Publish<T>(this BackupDbContext context, T message, Guid? correlationId = null)
        where T : class => Add(context, null, message, correlationId);

    private static void Add<T>(BackupDbContext context, string? destination, T message, Guid? correlationId)
        where T : class
    {
        context.OutboxMessages.Add(new OutboxMessage
        {
            Id = Guid.NewGuid(),
            Destination = destination,
            MessageType = typeof(T).FullName!,
            Body = JsonSerializer.Serialize(message),
            CorrelationId = correlationId,
            CreatedAt = DateTime.UtcNow,
            // The request's trace goes with the row, so the relay sends the message in that trace.
            TraceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null,
        });
    }
}
