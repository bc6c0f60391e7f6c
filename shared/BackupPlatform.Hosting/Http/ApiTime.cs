using System.Globalization;

namespace BackupPlatform.Hosting.Http;

/// <summary>Timestamps as Cinder writes them: naive UTC with microseconds (2023-06-23T11:56:02.509831).</summary>
public static class ApiTime
{
    public static string Format(DateTime value) =>
        DateTime.SpecifyKind(value, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    public static string? Format(DateTime? value) => value is { } v ? Format(v) : null;
}
