namespace BackupPlatform.Storage.Cinder;

/// <summary>
/// An object of a backup made by Cinder is missing, unreadable or fails verification. The message names
/// the object and the check first: a backup's fail_reason keeps only 255 characters (Cinder's column), and
/// Cinder's object names are over 100; the name carries the backup's id, the container comes last.
/// </summary>
public sealed class CinderObjectException(string container, string objectName, string detail, Exception? inner = null)
    : Exception($"Cinder object {objectName} {detail} (container {container})", inner)
{
    public string Container { get; } = container;

    public string ObjectName { get; } = objectName;
}
