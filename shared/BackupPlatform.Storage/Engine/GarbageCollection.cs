namespace BackupPlatform.Storage.Engine;

/// <summary>What a garbage collection pass found and did.</summary>
public sealed record GarbageCollection(
    int Backups,
    int Packs,
    int ReferencedPacks,
    int Condemned,
    int Pardoned,
    int Deleted,
    int WaitingForGraceOrBackups,
    int AbandonedUploads);
