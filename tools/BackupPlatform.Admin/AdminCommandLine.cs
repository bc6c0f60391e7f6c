namespace BackupPlatform.Admin;

/// <summary>
/// The tool's arguments: words (messages list), options (--backup-id X, --json) and configuration
/// keys (--BackupPlatform:Database:ConnectionString=…), which go to the host's configuration.
/// </summary>
public sealed class AdminCommandLine
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    private AdminCommandLine()
    {
    }

    public List<string> Words { get; } = [];

    public List<string> Settings { get; } = [];

    /// <summary>Options that take no value.</summary>
    private static readonly HashSet<string> Flags = ["json", "force"];

    public bool Json => HasFlag("json");

    public bool HasFlag(string name) => _options.ContainsKey(name);

    public static AdminCommandLine Parse(string[] args)
    {
        var line = new AdminCommandLine();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal) && (arg.Contains(':', StringComparison.Ordinal) || arg.Contains('=', StringComparison.Ordinal)))
            {
                line.Settings.Add(arg);
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var name = arg[2..];
                var value = Flags.Contains(name) || i + 1 >= args.Length ? null : args[++i];
                line._options[name] = value;
            }
            else
            {
                line.Words.Add(arg);
            }
        }

        return line;
    }

    public string? Option(string name) => _options.GetValueOrDefault(name);

    public Guid? GuidOption(string name) => Option(name) is { } value ? Guid.Parse(value) : null;

    public DateTime? TimeOption(string name) =>
        Option(name) is { } value ? DateTime.Parse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal) : null;

    public int IntOption(string name, int fallback) => Option(name) is { } value ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
