namespace BackupPlatform.Hosting;

/// <summary>Configuration section "BackupPlatform:Bus".</summary>
public sealed class BusOptions
{
    public const string Section = "BackupPlatform:Bus";

    /// <summary>"rabbitmq" (production) or "inmemory" (the all-in-one: one process, nothing to install).</summary>
    public string Transport { get; set; } = "inmemory";

    /// <summary>amqp://user:password@host:port/vhost</summary>
    public string RabbitMqUri { get; set; } = "amqp://guest:guest@127.0.0.1:5672/";

    /// <summary>
    /// RabbitMQ's management HTTP API (http://host:15672/), which the admin tool asks for the error
    /// queues; by default the broker's host on port 15672 with the same credentials.
    /// </summary>
    public string? ManagementUrl { get; set; }
}
