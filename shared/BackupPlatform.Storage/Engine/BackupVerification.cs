namespace BackupPlatform.Storage.Engine;

/// <summary>What a verification found: the manifest, how many distinct chunks the index names, and which are missing.</summary>
public sealed record BackupVerification(BackupManifest Manifest, int Chunks, IReadOnlyList<string> Missing);
