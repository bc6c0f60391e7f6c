namespace BackupPlatform.Storage.Stores;

public sealed class ObjectNotFoundException(string container, string name)
    : Exception($"Object {name} not found in container {container}.")
{
    public string Container { get; } = container;

    public string ObjectName { get; } = name;
}
