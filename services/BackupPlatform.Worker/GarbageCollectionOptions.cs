namespace BackupPlatform.Worker;

/// <summary>Configuration section "BackupPlatform:Store:GarbageCollection": when packs no backup references are freed.</summary>
public sealed class GarbageCollectionOptions
{
    public const string Section = "BackupPlatform:Store:GarbageCollection";

    /// <summary>Time between passes over every container this deployment's backups use; zero turns the schedule off.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// An unreferenced pack younger than this is left alone, and a condemned one is deleted only this long
    /// after it was condemned: a margin over the lock rule for stores whose listings lag (Swift's container
    /// listings are eventually consistent).
    /// </summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A backup lock older than this belongs to a backup that is not running any more (its worker died).</summary>
    public TimeSpan LockStaleAfter { get; set; } = TimeSpan.FromDays(2);
}
