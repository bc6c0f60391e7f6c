namespace BackupPlatform.Hosting.Telemetry;

/// <summary>Configuration section "BackupPlatform:Telemetry".</summary>
public sealed class TelemetryOptions
{
    public const string Section = "BackupPlatform:Telemetry";

    /// <summary>
    /// OTLP collector (http://collector:4317). Without it, the standard OTEL_EXPORTER_OTLP_ENDPOINT
    /// variable is used; with neither, nothing is exported over OTLP.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>"grpc" (port 4317) or "http/protobuf" (port 4318), for <see cref="OtlpEndpoint"/>.</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>Print spans and metrics to standard output (the all-in-one on a laptop).</summary>
    public bool Console { get; set; }
}
