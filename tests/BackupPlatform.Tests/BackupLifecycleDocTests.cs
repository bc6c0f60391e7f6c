using BackupPlatform.Hosting.Lifecycle;

namespace BackupPlatform.Tests;

/// <summary>docs/backup-lifecycle.md shows the table the code runs.</summary>
public sealed class BackupLifecycleDocTests
{
    [Fact]
    public void The_doc_holds_the_table_of_moves_as_the_code_has_it()
    {
        var doc = File.ReadAllText(Path.Combine(StatusWriteTests.RepositoryRoot(), "docs", "backup-lifecycle.md")).ReplaceLineEndings("\n");
        Assert.True(
            doc.Contains(BackupMoves.MarkdownTable(), StringComparison.Ordinal),
            "docs/backup-lifecycle.md's table differs from BackupMoves; paste this in:\n" + BackupMoves.MarkdownTable());
    }

    [Fact]
    public void The_docs_diagram_has_an_arrow_for_every_status_change()
    {
        var doc = File.ReadAllText(Path.Combine(StatusWriteTests.RepositoryRoot(), "docs", "backup-lifecycle.md"));
        foreach (var move in BackupMoves.All.Where(m => m.To is not null))
        {
            var froms = move.From.Count == 0 ? ["[*]"] : move.From.Where(f => f != move.To);
            foreach (var from in froms.Where(_ => move != BackupMoves.ForceDelete))
            {
                Assert.Contains($"{from} --> {move.To}", doc, StringComparison.Ordinal);
            }
        }
    }
}
