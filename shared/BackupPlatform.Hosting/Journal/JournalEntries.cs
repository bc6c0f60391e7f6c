using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using System.Text.Json;
using BackupPlatform.Data;
using MassTransit;

namespace BackupPlatform.Hosting.Journal;

/// <summary>Builds journal rows from MassTransit's contexts: ids, the backup and volume the message is about, headers and body.</summary>
public static class JournalEntries
{
    private static readonly ConcurrentDictionary<Type, MessageShape> Shapes = new();

    public static JournalEntry FromSend(SendContext context, object message, string kind, string outcome, Exception? exception = null)
    {
        var entry = New(message, kind, outcome);
        entry.MessageId = context.MessageId;
        entry.CorrelationId = context.CorrelationId;
        entry.ConversationId = context.ConversationId;
        entry.SourceAddress = context.SourceAddress?.ToString();
        entry.DestinationAddress = context.DestinationAddress?.ToString();
        entry.Headers = HeadersJson(context.Headers);
        entry.ReplayOf = ReplayOf(context.Headers);
        entry.Exception = exception?.ToString();
        return entry;
    }

    public static JournalEntry FromConsume(ConsumeContext context, object message, string outcome, TimeSpan duration, Exception? exception, string? note)
    {
        var entry = New(message, JournalKinds.Consume, outcome);
        entry.MessageId = context.MessageId;
        entry.CorrelationId = context.CorrelationId;
        entry.ConversationId = context.ConversationId;
        entry.SourceAddress = context.SourceAddress?.ToString();
        // Where it was consumed: the endpoint a replay goes back to.
        entry.DestinationAddress = context.ReceiveContext.InputAddress?.ToString();
        entry.Headers = HeadersJson(context.Headers);
        entry.ReplayOf = ReplayOf(context.Headers);
        entry.Exception = exception?.ToString();
        entry.Note = note;
        entry.DurationMs = duration.TotalMilliseconds;
        return entry;
    }

    /// <summary>A message the endpoint could not hand to a consumer; the body is kept as the transport delivered it.</summary>
    public static JournalEntry FromReceiveFault(ReceiveContext context, Exception exception)
    {
        var headers = context.TransportHeaders;
        return new JournalEntry
        {
            Kind = JournalKinds.Receive,
            Outcome = JournalOutcomes.ErrorQueue,
            MessageId = Guid.TryParse(headers.Get<string>("MessageId"), out var id) ? id : null,
            DestinationAddress = context.InputAddress?.ToString(),
            Headers = HeadersJson(headers),
            Body = RawBody(context),
            Exception = exception.ToString(),
            Note = $"moved to {ErrorQueueOf(context.InputAddress)}",
            RecordedAt = DateTime.UtcNow,
        };
    }

    /// <summary>MassTransit's error queue for an endpoint: its queue name with _error appended.</summary>
    public static string ErrorQueueOf(Uri? inputAddress) => $"{QueueOf(inputAddress)}_error";

    /// <summary>The queue or exchange name an address ends with (rabbitmq://host/vhost/NAME, loopback://localhost/NAME, queue:NAME).</summary>
    public static string QueueOf(Uri? address)
    {
        if (address is null)
        {
            return string.Empty;
        }

        var path = address.IsAbsoluteUri ? address.AbsolutePath : address.OriginalString;
        var name = path.TrimEnd('/');
        var slash = name.LastIndexOf('/');
        return slash < 0 ? name : name[(slash + 1)..];
    }

    /// <summary>A generic type (Fault&lt;CreateBackup&gt;) in short readable form, a contract by its full name.</summary>
    public static string TypeName(Type type)
    {
        if (!type.IsGenericType)
        {
            return type.FullName ?? type.Name;
        }

        var name = type.GetGenericTypeDefinition().FullName ?? type.Name;
        name = name[..name.IndexOf('`', StringComparison.Ordinal)];
        return $"{name}<{string.Join(",", type.GetGenericArguments().Select(TypeName))}>";
    }

    private static JournalEntry New(object message, string kind, string outcome)
    {
        var type = message.GetType();
        var shape = Shapes.GetOrAdd(type, MessageShape.Of);
        return new JournalEntry
        {
            Kind = kind,
            Outcome = outcome,
            MessageType = Bound(TypeName(type), 512),
            ContractVersion = shape.VersionOf(message),
            BackupId = shape.BackupIdOf(message),
            VolumeId = shape.VolumeIdOf(message),
            Body = Serialize(message, type),
            RecordedAt = DateTime.UtcNow,
        };
    }

    private static string? Serialize(object message, Type type)
    {
        try
        {
            return JsonSerializer.Serialize(message, type);
        }
        catch (Exception e) when (e is NotSupportedException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static Guid? ReplayOf(Headers headers) =>
        Guid.TryParse(headers.Get<string>(JournalHeaders.ReplayOf), out var id) ? id : null;

    private static string HeadersJson(Headers headers)
    {
        var values = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in headers.GetAll())
        {
            values[key] = value switch
            {
                null => null,
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                _ => value.ToString(),
            };
        }

        return JsonSerializer.Serialize(values);
    }

    private static string? RawBody(ReceiveContext context)
    {
        try
        {
            return Encoding.UTF8.GetString(context.Body.GetBytes());
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            return null;
        }
    }

    private static string Bound(string value, int length) => value.Length <= length ? value : value[..length];

    /// <summary>Where a message type keeps the ids and version the journal indexes, found once per type.</summary>
    private sealed record MessageShape(PropertyInfo? BackupId, PropertyInfo? VolumeId, PropertyInfo? TargetVersion, string? NamespaceVersion)
    {
        public static MessageShape Of(Type type)
        {
            PropertyInfo? Find(string name, params Type[] types)
            {
                var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
                return property is not null && types.Contains(property.PropertyType) ? property : null;
            }

            // Contracts carry their major in the namespace (…Backup.V2): the version when no TargetVersion says more.
            var segment = type.Namespace?.Split('.').LastOrDefault(s => s.Length > 1 && s[0] == 'V' && s[1..].All(char.IsDigit));
            return new MessageShape(
                Find("BackupId", typeof(Guid), typeof(Guid?)),
                Find("VolumeId", typeof(Guid), typeof(Guid?)),
                Find("TargetVersion", typeof(string)),
                segment?[1..]);
        }

        public Guid? BackupIdOf(object message) => NonEmpty(BackupId?.GetValue(message));

        public Guid? VolumeIdOf(object message) => NonEmpty(VolumeId?.GetValue(message));

        public string? VersionOf(object message) => TargetVersion?.GetValue(message) as string ?? NamespaceVersion;

        private static Guid? NonEmpty(object? value) => value is Guid id && id != Guid.Empty ? id : null;
    }
}
