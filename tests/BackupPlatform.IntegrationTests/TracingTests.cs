using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Xunit.Abstractions;

namespace BackupPlatform.IntegrationTests;

/// <summary>One backup is one trace: from the tenant's HTTP request through the outbox, the scheduler, the worker and the volume service to the store.</summary>
public sealed class TracingTests(ITestOutputHelper output)
{
    private static readonly ActivitySource Tenant = new("BackupPlatform.IntegrationTests");

    [Fact]
    public async Task One_backup_through_the_separate_services_is_one_trace_with_spans_from_each_service()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("BackupPlatform", StringComparison.Ordinal)
                || source.Name is "MassTransit" or "Microsoft.AspNetCore" or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);

        await using var deployment = await Deployment.StartAsync();
        var volume = await deployment.CreateVolumeAsync(1);
        var content = new byte[8 * 1024 * 1024];
        new Random(33).NextBytes(content);
        await deployment.UploadAsync(volume, content);

        ActivityTraceId traceId;
        Guid backupId;
        using (var request = Tenant.StartActivity("tenant creates a backup", ActivityKind.Client))
        {
            traceId = request!.TraceId;
            var response = await deployment.Api.PostAsJsonAsync($"/v3/{Deployment.Project}/backups", new { backup = new { volume_id = volume } });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            backupId = (await Deployment.ReadAsync(response)).GetProperty("backup").GetProperty("id").GetGuid();
        }

        Assert.Equal("available", (await deployment.WaitForBackupAsync(backupId, "creating")).GetProperty("status").GetString());
        await Task.Delay(TimeSpan.FromSeconds(2));
        var trace = spans.Where(s => s.TraceId == traceId).OrderBy(s => s.StartTimeUtc).ToList();
        foreach (var span in trace)
        {
            output.WriteLine($"{span.Source.Name} | {span.DisplayName} | {span.Kind} | {span.SpanId} <- {span.ParentSpanId}");
        }

        // API: the server span of the tenant's POST, and the outbox relay continuing it once the row is committed.
        var post = Assert.Single(trace, s => s.Source.Name == "System.Net.Http" && Tag(s, "url.full") == new Uri(deployment.Api.BaseAddress!, $"/v3/{Deployment.Project}/backups").ToString());
        var api = Assert.Single(trace, s => s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server && s.ParentSpanId == post.SpanId);
        var relay = Assert.Single(trace, s => s.Source.Name == "BackupPlatform.Hosting" && s.DisplayName == "outbox relay CreateBackup");
        Assert.Equal(api.SpanId, relay.ParentSpanId);

        // Scheduler and worker: MassTransit's consume spans, in the same trace through the broker.
        Assert.Contains(trace, s => Tag(s, "messaging.masstransit.consumer_type") == "BackupPlatform.Scheduler.BackupRoutingConsumer");
        var worker = Assert.Single(trace, s => Tag(s, "messaging.masstransit.consumer_type") == "BackupPlatform.Worker.BackupCommandConsumer");

        // Volume service: the API's reservation and the worker's calls, all over HTTP.
        var reserve = Assert.Single(trace, s => s.Source.Name == "System.Net.Http" && Tag(s, "url.full") == new Uri(deployment.Volumes.BaseAddress!, "/internal/v2/reserve-volume").ToString());
        Assert.Contains(trace, s => s.Source.Name == "Microsoft.AspNetCore" && s.ParentSpanId == reserve.SpanId);
        var device = Assert.Single(trace, s => s.Source.Name == "System.Net.Http" && Tag(s, "url.full") == new Uri(deployment.Volumes.BaseAddress!, "/internal/v2/get-backup-device").ToString());
        Assert.True(IsUnder(device, worker, trace), "the worker's volume call is not under its consume");
        Assert.Contains(trace, s => s.Source.Name == "Microsoft.AspNetCore" && s.ParentSpanId == device.SpanId);

        // The engine: one span for the backup, one per stage, under the worker's consume.
        var write = Assert.Single(trace, s => s.Source.Name == "BackupPlatform.Storage" && s.DisplayName == "backup write");
        Assert.Equal(backupId.ToString(), Tag(write, "backupplatform.backup_id"));
        Assert.True(IsUnder(write, worker, trace), "the engine's span is not under the worker's consume");
        foreach (var stage in new[] { "read", "hash", "compress", "upload" })
        {
            var span = Assert.Single(trace, s => s.Source.Name == "BackupPlatform.Storage" && s.DisplayName == stage);
            Assert.Equal(write.SpanId, span.ParentSpanId);
            Assert.True(span.GetTagItem("backupplatform.stage.bytes") is long bytes && bytes >= content.Length, $"stage {stage} reports no bytes");
        }
    }

    private static string? Tag(Activity span, string name) => span.GetTagItem(name)?.ToString();

    private static bool IsUnder(Activity span, Activity ancestor, List<Activity> trace)
    {
        for (var current = span; current is not null; current = trace.FirstOrDefault(s => s.SpanId == current.ParentSpanId))
        {
            if (current.SpanId == ancestor.SpanId)
            {
                return true;
            }
        }

        return false;
    }
}
