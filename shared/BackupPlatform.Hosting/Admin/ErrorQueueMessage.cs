namespace BackupPlatform.Hosting.Admin;

/// <summary>A message in a RabbitMQ error queue (queue_error), with MassTransit's reason for putting it there.</summary>
public sealed record ErrorQueueMessage
{
    public required string Queue { get; init; }

    public string? MessageId { get; init; }

    /// <summary>The message type from MassTransit's envelope (urn:message:…), when the body is one.</summary>
    public string? MessageType { get; init; }

    /// <summary>MT-Fault-Message: the exception's message.</summary>
    public string? Reason { get; init; }

    public string? ExceptionType { get; init; }

    /// <summary>The endpoint that failed it; a replay goes back there.</summary>
    public string? InputAddress { get; init; }

    public string? FaultedAt { get; init; }

    public required IReadOnlyDictionary<string, string?> Headers { get; init; }

    public required string Body { get; init; }
}
