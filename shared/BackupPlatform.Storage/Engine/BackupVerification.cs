namespace BackupPlatform.Storage.Engine;

/// <summary>What a verification found: the manifest, how many distinct packs the index names, and which of them are missing.</summary>
public sealed record BackupVerification(BackupManifest Manifest, int Packs, IReadOnlyList<string> Missing);
