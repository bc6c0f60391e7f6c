namespace BackupPlatform.Hosting.Journal;

/// <summary>
/// Lets a consumer say that a message it handled was a no-op (the step was done already, or the
/// backup has moved on), so the journal records the consume as skipped with the reason. One per
/// consume scope.
/// </summary>
public sealed class ConsumeNote
{
    public string? SkippedBecause { get; private set; }

    public void Skipped(string reason) => SkippedBecause = reason;
}
