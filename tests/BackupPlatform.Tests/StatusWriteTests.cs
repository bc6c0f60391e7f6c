using System.Text.RegularExpressions;

namespace BackupPlatform.Tests;

/// <summary>
/// A backup's status is written by the lifecycle only (shared/BackupPlatform.Hosting/Lifecycle): a grep of
/// the services' and shared libraries' sources for the ways C# and SQL write it finds nothing elsewhere.
/// </summary>
public sealed partial class StatusWriteTests
{
    private const string LifecycleHome = "shared/BackupPlatform.Hosting/Lifecycle/";

    /// <summary>ExecuteUpdate's SetProperty(b => b.Status, …), an assignment x.Status = …, an initializer Status = BackupStatus.…, SQL SET status =.</summary>
    [GeneratedRegex(@"SetProperty\(\s*(\w+)\s*=>\s*\1\.Status\b|\.Status\s*=(?![=>])|\bStatus\s*=\s*BackupStatus\.|(?i:\bset\s+status\s*=)")]
    private static partial Regex StatusWrite();

    [Fact]
    public void No_file_outside_the_lifecycle_writes_a_backups_status()
    {
        var writes = Sources()
            .Where(f => !f.Path.StartsWith(LifecycleHome, StringComparison.Ordinal))
            .SelectMany(f => f.Lines.Select((line, i) => (f.Path, Line: i + 1, Text: line.Trim())))
            .Where(l => StatusWrite().IsMatch(l.Text))
            .Select(l => $"{l.Path}:{l.Line}: {l.Text}")
            .ToList();

        Assert.True(writes.Count == 0, "Status written outside the lifecycle (make the move in BackupLifecycle):\n" + string.Join("\n", writes));
    }

    [Fact]
    public void The_grep_finds_the_lifecycles_own_writes()
    {
        // If the pattern stopped matching how statuses are written, the test above would pass for nothing.
        var home = Sources().Where(f => f.Path.StartsWith(LifecycleHome, StringComparison.Ordinal)).SelectMany(f => f.Lines).ToList();
        Assert.Contains(home, l => StatusWrite().IsMatch(l) && l.Contains("SetProperty", StringComparison.Ordinal));
        Assert.Contains(home, l => StatusWrite().IsMatch(l) && l.Contains("backup.Status =", StringComparison.Ordinal));
        Assert.Matches(StatusWrite(), "var b = new Backup { Status = BackupStatus.Creating };");
        Assert.Matches(StatusWrite(), "UPDATE backups SET status = 'error' WHERE id = @id");
        Assert.DoesNotMatch(StatusWrite(), "if (backup.Status == BackupStatus.Creating)");
        Assert.DoesNotMatch(StatusWrite(), "Status = backup.Status,");
    }

    /// <summary>The C# sources whose rows are backups: services (but the volume service's own volumes), shared libraries, tools.</summary>
    private static IEnumerable<(string Path, string[] Lines)> Sources()
    {
        var root = RepositoryRoot();
        foreach (var folder in new[] { "services", "shared", "tools" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            {
                var path = Path.GetRelativePath(root, file).Replace('\\', '/');
                if (path.Contains("/bin/", StringComparison.Ordinal) || path.Contains("/obj/", StringComparison.Ordinal)
                    || path.Contains("/Migrations/", StringComparison.Ordinal) || path.StartsWith("services/BackupPlatform.VolumeService/", StringComparison.Ordinal))
                {
                    continue;
                }

                yield return (path, File.ReadAllLines(file));
            }
        }
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "BackupPlatform.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("BackupPlatform.sln not found above the test's directory.");
    }
}
