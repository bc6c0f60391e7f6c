using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackupPlatform.Hosting.Telemetry;

/// <summary>
/// backupplatform.queue.depth: messages waiting in each RabbitMQ queue of the virtual host (the
/// scheduler's, every worker host's, the error queues), read from the management API every
/// <see cref="Interval"/>. One service reports it (the scheduler), so the series is not repeated.
/// </summary>
public sealed class QueueDepthMetrics : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private readonly Meter _meter = new(HostingTelemetry.SourceName);
    private readonly RabbitMqManagement _management;
    private readonly ILogger<QueueDepthMetrics> _logger;
    private IReadOnlyDictionary<string, long> _depths = new Dictionary<string, long>();

    public QueueDepthMetrics(RabbitMqManagement management, ILogger<QueueDepthMetrics> logger)
    {
        _management = management;
        _logger = logger;
        _meter.CreateObservableGauge(
            "backupplatform.queue.depth",
            () => _depths.Select(q => new Measurement<long>(q.Value, new KeyValuePair<string, object?>("messaging.destination.name", q.Key))),
            "{message}",
            "Messages waiting in each queue");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                _depths = await _management.QueueDepthsAsync(stoppingToken);
            }
            catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                _logger.LogDebug(e, "Queue depths unavailable from the RabbitMQ management API");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default));
    }

    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }
}
