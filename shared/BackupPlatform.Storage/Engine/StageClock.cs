using System.Diagnostics;

namespace BackupPlatform.Storage.Engine;

/// <summary>
/// Time spent in one pipeline stage (read, hash, compress, upload) across a whole backup, summed
/// from the concurrent workers. Reported as one span per stage: from the start of the pipeline to
/// the stage's last piece of work, with the busy time and bytes as tags. The stages overlap, which
/// is the point of the pipeline; the busy times show which one the backup waited on.
/// </summary>
internal sealed class StageClock(string name)
{
    private long _busyTicks;
    private long _bytes;
    private long _lastEnd;

    public static long Now() => Stopwatch.GetTimestamp();

    public long Bytes => Interlocked.Read(ref _bytes);

    public void Add(long started, long bytes)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.Add(ref _busyTicks, now - started);
        Interlocked.Add(ref _bytes, bytes);
        long last;
        do
        {
            last = Interlocked.Read(ref _lastEnd);
        }
        while (now > last && Interlocked.CompareExchange(ref _lastEnd, now, last) != last);
    }

    /// <summary>One span under the current one (the backup's), from <paramref name="pipelineStart"/> to the stage's last work.</summary>
    public void Report(DateTime pipelineStart, long pipelineStartTimestamp)
    {
        var lastEnd = Interlocked.Read(ref _lastEnd);
        var end = lastEnd == 0 ? pipelineStart : pipelineStart + Stopwatch.GetElapsedTime(pipelineStartTimestamp, lastEnd);
        using var activity = EngineTelemetry.Source.StartActivity(name, ActivityKind.Internal, default(ActivityContext), startTime: pipelineStart);
        activity?.SetTag("backupplatform.stage.busy_ms", Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _busyTicks)).TotalMilliseconds);
        activity?.SetTag("backupplatform.stage.bytes", Interlocked.Read(ref _bytes));
        activity?.SetEndTime(end);
    }
}
