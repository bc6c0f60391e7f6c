namespace BackupPlatform.Scheduler;

/// <summary>A live, enabled host that qualifies for a command (zone and store already matched).</summary>
public sealed record HostCandidate(string Host, bool Draining);

/// <summary>What a host already carries: operations in flight and backups ever given to it.</summary>
public readonly record struct HostLoad(int InFlight, int Total);

/// <summary>
/// The routing decision on its own, without the database: the same inputs give the same host, so
/// that with the decisions of a zone serialized (<see cref="HostSelector.RouteAsync"/>) each one
/// sees the load the one before it added.
/// </summary>
public static class HostChoice
{
    /// <summary>
    /// Draining hosts only when no other host qualifies; the preferred host when it is among the
    /// candidates; else the fewest operations in flight, then the fewest backups ever given, then the
    /// name, so that work spreads evenly even when every host is idle between commands.
    /// </summary>
    public static string? Choose(IReadOnlyCollection<HostCandidate> live, IReadOnlyDictionary<string, HostLoad> load, string? preferredHost)
    {
        if (live.Count == 0)
        {
            return null;
        }

        // A draining host finishes its work and takes nothing new from its queue until it restarts.
        // It is chosen only when no other host can take the command, which then waits for that
        // restart instead of failing (a rolling update in a zone with one worker).
        var open = live.Where(h => !h.Draining).Select(h => h.Host).ToList();
        var candidates = open.Count > 0 ? open : live.Select(h => h.Host).ToList();
        if (preferredHost is not null && candidates.Contains(preferredHost))
        {
            return preferredHost;
        }

        return candidates
            .OrderBy(h => load.TryGetValue(h, out var l) ? l.InFlight : 0)
            .ThenBy(h => load.TryGetValue(h, out var l) ? l.Total : 0)
            .ThenBy(h => h, StringComparer.Ordinal)
            .First();
    }
}
