namespace BackupPlatform.Hosting.Admin;

/// <summary>The journal holds no row that can be replayed for the message id.</summary>
public sealed class MessageNotFoundException(string message) : Exception(message);
