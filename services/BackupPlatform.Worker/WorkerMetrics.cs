using System.Diagnostics.Metrics;
using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Worker;

/// <summary>The worker's own metrics: operations in flight and how long they take, failures by reason.</summary>
public static class WorkerMetrics
{
    public const string MeterName = "BackupPlatform.Worker";

    private static readonly Meter Meter = new(MeterName);
    private static readonly UpDownCounter<long> BackupsInFlight = Meter.CreateUpDownCounter<long>("backupplatform.backups.in_flight", "{backup}", "Backups being written on this host");
    private static readonly UpDownCounter<long> RestoresInFlight = Meter.CreateUpDownCounter<long>("backupplatform.restores.in_flight", "{restore}", "Restores being written on this host");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("backupplatform.operation.duration", "s", "How long a create, restore, delete or import took");
    private static readonly Counter<long> Failures = Meter.CreateCounter<long>("backupplatform.operation.failures", "{failure}", "Operations that failed, by reason");

    public static void Started(string operation) => InFlight(operation)?.Add(1, Tag(operation));

    public static void Finished(string operation, TimeSpan duration)
    {
        InFlight(operation)?.Add(-1, Tag(operation));
        Duration.Record(duration.TotalSeconds, Tag(operation));
    }

    public static void Failed(string operation, Exception e) =>
        Failures.Add(1, Tag(operation), new KeyValuePair<string, object?>("reason", ReasonOf(e)));

    /// <summary>Coarse reasons, so the metric's cardinality stays small; the full reason is on the backup and in the journal.</summary>
    public static string ReasonOf(Exception e) => e switch
    {
        StoreFailureException or StoreException or HttpRequestException => "store",
        Hosting.VolumeServiceException => "volume_service",
        Storage.Engine.CorruptChunkException => "corrupt",
        OperationCanceledException => "cancelled",
        InvalidOperationException => "status",
        _ => "other",
    };

    private static UpDownCounter<long>? InFlight(string operation) => operation switch
    {
        "create" => BackupsInFlight,
        "restore" => RestoresInFlight,
        _ => null,
    };

    private static KeyValuePair<string, object?> Tag(string operation) => new("operation", operation);
}
