namespace BackupPlatform.Contracts;

/// <summary>Thrown by a consumer for a message of a major version it does not speak; the message goes to the error queue with this reason.</summary>
public sealed class UnsupportedRpcVersionException(string reason) : Exception(reason);
