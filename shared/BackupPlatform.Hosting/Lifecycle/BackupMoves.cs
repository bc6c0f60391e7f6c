using BackupPlatform.Data;

namespace BackupPlatform.Hosting.Lifecycle;

/// <summary>
/// The table of a backup's legal moves, written once: <see cref="BackupLifecycle"/> makes each move from
/// it, docs/backup-lifecycle.md shows it (a test checks the two agree).
/// </summary>
public static class BackupMoves
{
    private const string Api = "api";
    private const string Scheduler = "scheduler";
    private const string Worker = "worker";
    private const string Cleanup = "worker start-up cleanup, scheduler failover";

    private static readonly string[] Creating = [BackupStatus.Creating];
    private static readonly string[] Restoring = [BackupStatus.Restoring];
    private static readonly string[] Deleting = [BackupStatus.Deleting];

    /// <summary>Statuses a backup row can be in while it is listed (all but deleted).</summary>
    public static readonly string[] Listed =
        [BackupStatus.Creating, BackupStatus.Available, BackupStatus.Error, BackupStatus.Restoring, BackupStatus.Deleting, BackupStatus.ErrorDeleting];

    /// <summary>A new row (create, import_record); the only move that inserts rather than updates.</summary>
    public static readonly BackupMove RequestCreate = new("request create", [], BackupStatus.Creating, null, Api, "a create or an import_record is accepted, its command in the outbox");

    public static readonly BackupMove BeginCreate = new("begin create", Creating, null, "backup.create.start", Worker, "a host claims the create (host, work_started_at)");

    public static readonly BackupMove CompleteCreate = new("complete create", Creating, BackupStatus.Available, "backup.create.end", Worker, "the data and its manifest are in the store; the parent counts the child");

    public static readonly BackupMove FailCreate = new("fail create", Creating, BackupStatus.Error, "backup.create.end", Worker, "the create failed on the host");

    public static readonly BackupMove CompleteImport = new("complete import", Creating, BackupStatus.Available, null, Worker, "an imported record's data is verified in the store");

    public static readonly BackupMove FailImport = new("fail import", Creating, BackupStatus.Error, null, Worker, "an imported record's data is missing or unreadable");

    public static readonly BackupMove Refuse = new(
        "refuse", [BackupStatus.Creating, BackupStatus.Restoring, BackupStatus.Deleting], BackupStatus.Error, null, $"{Scheduler}, {Worker}",
        "no host can take a create or import, or the command is of another RPC major");

    public static readonly BackupMove AbandonCreate = new("abandon create", Creating, BackupStatus.Error, null, Cleanup, "the host that began the create died or restarted");

    public static readonly BackupMove BeginRestore = new("begin restore", [BackupStatus.Available], BackupStatus.Restoring, null, Api, "a restore is accepted, the target volume reserved");

    public static readonly BackupMove StartRestore = new("start restore", Restoring, null, "backup.restore.start", Worker, "a host claims the restore (host, work_started_at)");

    public static readonly BackupMove EndRestore = new("end restore", Restoring, BackupStatus.Available, "backup.restore.end", Worker, "the restore finished or failed (the reason stays on the backup); the backup is intact either way");

    public static readonly BackupMove StopRestore = new(
        "stop restore", [BackupStatus.Available, BackupStatus.Error, BackupStatus.Deleting], null, "backup.restore.end", Worker,
        "a status change (reset-status, force-delete) cancelled the running restore: its work ends, the status set stays");

    public static readonly BackupMove RefuseRestore = new("refuse restore", Restoring, BackupStatus.Available, null, Scheduler, "no host can read the backup's store");

    public static readonly BackupMove AbandonRestore = new("abandon restore", Restoring, BackupStatus.Available, null, Cleanup, "the host that began the restore died or restarted");

    public static readonly BackupMove BeginDelete = new("begin delete", [BackupStatus.Available, BackupStatus.Error], BackupStatus.Deleting, null, Api, "a delete is accepted (no dependent incrementals)");

    public static readonly BackupMove ForceDelete = new("force delete", Listed, BackupStatus.Deleting, null, Api, "os-force_delete: from any status; a running restore sees it and stops");

    public static readonly BackupMove StartDelete = new("start delete", Deleting, null, "backup.delete.start", Worker, "a host takes the delete (begun again after a restart)");

    public static readonly BackupMove FinishDelete = new("finish delete", Deleting, BackupStatus.Deleted, "backup.delete.end", Worker, "the objects are gone; the parent's count and the quota are given back");

    public static readonly BackupMove FailDelete = new("fail delete", Deleting, BackupStatus.ErrorDeleting, null, $"{Worker}, {Scheduler}", "the store refused the delete, or no host can reach the store");

    public static readonly BackupMove Rearm = new("rearm", [BackupStatus.Error], BackupStatus.Creating, null, Worker, "an operator replayed the create that failed (the volume reserved again)");

    public static readonly BackupMove Reset = new("reset", Listed, null, "backup.reset_status.end", Api, "os-reset_status to available or error, from any status (a start notification before it)");

    /// <summary>Every move, in the order the doc lists them.</summary>
    public static readonly IReadOnlyList<BackupMove> All =
    [
        RequestCreate, BeginCreate, CompleteCreate, FailCreate, CompleteImport, FailImport, Refuse, AbandonCreate,
        BeginRestore, StartRestore, EndRestore, StopRestore, RefuseRestore, AbandonRestore,
        BeginDelete, ForceDelete, StartDelete, FinishDelete, FailDelete, Rearm, Reset,
    ];

    /// <summary>The statuses reset-status may set, as Cinder allows.</summary>
    public static readonly string[] ResetTo = [BackupStatus.Available, BackupStatus.Error];

    /// <summary>The table as docs/backup-lifecycle.md shows it (a test keeps the two the same).</summary>
    public static string MarkdownTable()
    {
        var table = new System.Text.StringBuilder();
        table.Append("| move | from | to | notification | made by | when |\n");
        table.Append("|---|---|---|---|---|---|\n");
        foreach (var move in All)
        {
            var from = move.From.Count == 0 ? "(new row)" : move.From.SequenceEqual(Listed) ? "any" : string.Join(", ", move.From);
            var to = move == Reset ? string.Join(" or ", ResetTo) : move.To ?? "(unchanged)";
            var notification = move == Reset ? "backup.reset_status.start, backup.reset_status.end" : move.Event ?? "none";
            table.Append(System.Globalization.CultureInfo.InvariantCulture, $"| {move.Name} | {from} | {to} | {notification} | {move.MadeBy} | {move.Why} |\n");
        }

        return table.ToString();
    }
}
