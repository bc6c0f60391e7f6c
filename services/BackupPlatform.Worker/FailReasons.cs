using System.Text.RegularExpressions;
using BackupPlatform.Hosting;
using BackupPlatform.Storage.Cinder;
using BackupPlatform.Storage.Engine;
using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Worker;

/// <summary>
/// A failure as a tenant reads it in fail_reason: the message of the failures this service raises on
/// purpose, with any server path taken out; anything else as one generic sentence. The worker's log
/// keeps the whole exception (paths, types, stack) under the backup id.
/// </summary>
public static partial class FailReasons
{
    public const string Unexpected = "The backup service failed unexpectedly; the administrator can find the cause in the worker's log under this backup's id.";

    public static string ForTenant(Exception e) => e switch
    {
        OperationCanceledException => "The operation was cancelled before it completed.",
        VolumeServiceException or CorruptChunkException or CinderObjectException or StoreException or InvalidOperationException or InvalidDataException => Scrub(e.Message),
        ArgumentException => "The backup's container or object name is not valid in the store.",
        _ => Unexpected,
    };

    /// <summary>Absolute paths (not the path part of a URL) become "[path]"; a parameter note of an argument error goes.</summary>
    public static string Scrub(string message) => ParameterNote().Replace(AbsolutePath().Replace(message, "[path]"), string.Empty);

    [GeneratedRegex(@"(?<![\w:/.\-])/[^\s'"":,;)]+", RegexOptions.CultureInvariant)]
    private static partial Regex AbsolutePath();

    [GeneratedRegex(@" ?\(Parameter '[^']*'\)", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterNote();
}
