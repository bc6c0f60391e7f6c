namespace BackupPlatform.Hosting.Admin;

/// <summary>A message sent again: the new message carries the header BackupPlatform-Replay-Of naming the original.</summary>
public sealed record ReplayResult(Guid OriginalMessageId, Guid MessageId, string MessageType, string Destination);
