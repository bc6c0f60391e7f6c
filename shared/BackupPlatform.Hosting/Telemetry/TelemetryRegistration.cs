using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace BackupPlatform.Hosting.Telemetry;

public static class TelemetryRegistration
{
    /// <summary>Every span and metric source of the platform; the wildcard takes BackupPlatform.Hosting, .Storage, .Worker.</summary>
    public static readonly string[] Sources =
    [
        "BackupPlatform.*",
        "MassTransit",
        // ASP.NET Core and HttpClient emit their own activities and meters on .NET 10; no instrumentation package needed.
        "Microsoft.AspNetCore",
        "System.Net.Http",
    ];

    public static readonly string[] Meters =
    [
        "BackupPlatform.*",
        "MassTransit",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "System.Net.Http",
        "System.Runtime",
    ];

    /// <summary>
    /// OpenTelemetry traces, metrics and logs for one service: OTLP when configured, the console
    /// when asked. Logs carry the trace and span ids either way, so a log line finds its trace.
    /// </summary>
    public static IHostApplicationBuilder AddBackupPlatformTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var endpoint = options.OtlpEndpoint ?? builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var otlp = !string.IsNullOrWhiteSpace(endpoint);

        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        if (otlp)
        {
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
            });
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(Sources);
                if (options.Console)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters);
                if (options.Console)
                {
                    metrics.AddConsoleExporter();
                }
            });
        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint))
        {
            var protocol = options.OtlpProtocol.Equals("http/protobuf", StringComparison.OrdinalIgnoreCase)
                ? OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf
                : OpenTelemetry.Exporter.OtlpExportProtocol.Grpc;
            telemetry.UseOtlpExporter(protocol, new Uri(options.OtlpEndpoint));
        }
        else if (otlp)
        {
            // The OTEL_EXPORTER_OTLP_* variables (endpoint, protocol, headers) as the exporter reads them.
            telemetry.UseOtlpExporter();
        }

        return builder;
    }
}
