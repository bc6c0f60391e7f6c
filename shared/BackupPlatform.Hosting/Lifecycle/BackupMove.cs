namespace BackupPlatform.Hosting.Lifecycle;

/// <summary>
/// One legal move of a backup: the statuses it may start from, the status it ends in (null: the status
/// stays, the move only starts or ends work on it), the Cinder notification it sends (null: none, as in
/// Cinder) and the process that makes it. <see cref="BackupMoves"/> holds them all.
/// </summary>
public sealed record BackupMove(string Name, IReadOnlyList<string> From, string? To, string? Event, string MadeBy, string Why)
{
    /// <summary>The status the move leaves, from <paramref name="from"/>.</summary>
    public string ToFrom(string from) => To ?? from;

    public override string ToString() => Name;
}
