using System.Diagnostics;

namespace BackupPlatform.Hosting.Telemetry;

/// <summary>The spans the shared hosting code starts itself (the outbox relay); MassTransit, ASP.NET Core and HttpClient have their own.</summary>
public static class HostingTelemetry
{
    public const string SourceName = "BackupPlatform.Hosting";

    public static readonly ActivitySource Source = new(SourceName);
}
