using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// The engine's spans (one per backup or restore, one per pipeline stage, never one per chunk) and
/// its metrics: bytes read and written (a rate in any backend), and how much of a backup the store
/// already held.
/// </summary>
public static class EngineTelemetry
{
    public const string Name = "BackupPlatform.Storage";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Bytes read: from the volume by a backup, from the store by a restore.</summary>
    public static readonly Counter<long> BytesRead = Meter.CreateCounter<long>("backupplatform.engine.bytes_read", "By", "Bytes read from volumes (backups) and from the store (restores)");

    /// <summary>Bytes written: to the store by a backup, to the volume by a restore.</summary>
    public static readonly Counter<long> BytesWritten = Meter.CreateCounter<long>("backupplatform.engine.bytes_written", "By", "Bytes written to the store (backups) and to volumes (restores)");

    public static readonly Histogram<double> DedupRatio = Meter.CreateHistogram<double>(
        "backupplatform.engine.dedup_ratio", "1", "Per backup: the share of its non-zero chunks that the store already held");

    public static KeyValuePair<string, object?> Direction(string direction) => new("backupplatform.direction", direction);

    /// <summary>Marks a span failed with the exception, as the OpenTelemetry conventions have it.</summary>
    public static void Fail(Activity? activity, Exception e)
    {
        activity?.SetStatus(ActivityStatusCode.Error, e.Message);
        activity?.AddTag("error.type", e.GetType().FullName);
    }
}
