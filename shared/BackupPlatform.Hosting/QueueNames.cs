namespace BackupPlatform.Hosting;

/// <summary>The queues services listen on; the same names on RabbitMQ and the in-memory bus.</summary>
public static class QueueNames
{
    public const string Scheduler = "backup-scheduler";

    /// <summary>Each worker host has its own queue, so the scheduler decides which host does the work.</summary>
    public static string Worker(string host) => $"backup-worker.{host}";

    public static Uri Address(string queue) => new($"queue:{queue}");
}
