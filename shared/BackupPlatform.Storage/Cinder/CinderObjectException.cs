namespace BackupPlatform.Storage.Cinder;

/// <summary>An object of a backup made by Cinder is missing, unreadable or fails verification; the message names it.</summary>
public sealed class CinderObjectException(string container, string objectName, string detail, Exception? inner = null)
    : Exception($"Cinder object {container}/{objectName} {detail}", inner)
{
    public string Container { get; } = container;

    public string ObjectName { get; } = objectName;
}
