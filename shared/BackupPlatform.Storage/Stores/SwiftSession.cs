namespace BackupPlatform.Storage.Stores;

/// <summary>What authentication yields: where the account lives and the token that opens it.</summary>
internal sealed record SwiftSession(string StorageUrl, string Token);
