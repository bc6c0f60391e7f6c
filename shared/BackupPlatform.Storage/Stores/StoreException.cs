namespace BackupPlatform.Storage.Stores;

/// <summary>A store's own error, with the store's words in the message so that it can reach a backup's fail_reason.</summary>
public class StoreException : Exception
{
    public StoreException(string message)
        : base(message)
    {
    }

    public StoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
