namespace BackupPlatform.Hosting.Journal;

/// <summary>Headers the journal and the replay tool agree on.</summary>
public static class JournalHeaders
{
    /// <summary>On a replayed message: the id of the message it replays.</summary>
    public const string ReplayOf = "BackupPlatform-Replay-Of";
}
