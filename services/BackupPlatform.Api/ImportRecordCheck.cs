using BackupPlatform.Data;
using BackupPlatform.Hosting.Http;

namespace BackupPlatform.Api;

/// <summary>
/// The fields of an imported backup record that become a row as they are: checked here, at the edge, as the
/// fields of a create request are (the record is base64 inside the body, so the body's own check cannot see them).
/// A size below 1 GiB once drove a project's quota usage negative.
/// </summary>
public static class ImportRecordCheck
{
    /// <summary>Cinder's DB_MAX_INT: the largest size its schemas accept.</summary>
    public const int MaxSizeGb = int.MaxValue;

    private const int MaxTextLength = 65536;

    /// <summary>The 400 message for the first field that cannot be stored, or null.</summary>
    public static string? Refusal(BackupRecord record)
    {
        if (record.Size is not { } size || size < 1 || size > MaxSizeGb)
        {
            return $"Invalid input received: Can't parse backup record: 'size' must be an integer from 1 to {MaxSizeGb}.";
        }

        if (record.ObjectCount < 0 || record.NumDependentBackups < 0)
        {
            return "Invalid input received: Can't parse backup record: 'object_count' and 'num_dependent_backups' must not be negative.";
        }

        var cinder = CinderFormat.IsCinderChunked(record.ServiceMetadata);
        if (!string.IsNullOrEmpty(record.Container)
            && !(cinder ? BackupContainers.IsValidCinderPath(record.Container) : BackupContainers.IsValid(record.Container)))
        {
            return BackupContainers.Refusal(record.Container);
        }

        foreach (var (field, value, maxLength) in new[]
        {
            ("display_name", record.DisplayName, 255), ("display_description", record.DisplayDescription, 255),
            ("metadata", record.Metadata, MaxTextLength), ("service_metadata", record.ServiceMetadata, MaxTextLength),
        })
        {
            if (value is not null && (value.Length > maxLength || value.Contains('\0', StringComparison.Ordinal) || !RequestBody.IsValidText(value)))
            {
                return $"Invalid input received: Can't parse backup record: '{field}' is too long, holds NUL or is not valid Unicode.";
            }
        }

        return null;
    }
}
