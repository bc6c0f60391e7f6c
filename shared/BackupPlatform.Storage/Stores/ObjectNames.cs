namespace BackupPlatform.Storage.Stores;

/// <summary>Container and object names the engine and drivers accept: relative, no "..", no empty segments.</summary>
public static class ObjectNames
{
    public static void Validate(string name, string what)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 1024 || name.StartsWith('/') || name.EndsWith('/')
            || name.Contains("//", StringComparison.Ordinal) || name.Contains('\\')
            || name.Split('/').Any(segment => segment is "." or ".."))
        {
            throw new ArgumentException($"Invalid {what} name '{name}'.", what);
        }
    }
}
