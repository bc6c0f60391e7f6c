using System.Globalization;
using System.Text.Json;
using BackupPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Admin;

/// <summary>
/// services list | remove: the worker registry (Cinder's services table). A host that is gone for
/// good (a scaled-down StatefulSet's last pods, a retired machine) stays listed as down until an
/// operator removes it, as with Cinder's <c>cinder-manage service remove</c>. Cinder removes the row
/// whatever its state; here a host that is up, or that still holds work, is refused unless forced:
/// an up host registers again with its next heartbeat, and work whose host row is gone is never
/// failed over by the scheduler (it stays in its status until os-reset_status).
/// </summary>
internal static class ServiceCommands
{
    private static readonly string[] InProgress = [BackupStatus.Creating, BackupStatus.Restoring, BackupStatus.Deleting];

    public static async Task<int> RunAsync(string verb, AdminCommandLine line, BackupDbContext db, ServiceRegistryOptions registry, TextWriter output, TextWriter errors)
    {
        var ct = CancellationToken.None;
        switch (verb)
        {
            case "list":
                await ListAsync(line.Json, db, registry, output, ct);
                return 0;
            case "remove" when line.Words.Count > 2:
                return await RemoveAsync(line.Words[2], line.HasFlag("force"), db, registry, output, errors, ct);
            default:
                await errors.WriteLineAsync(AdminTool.Usage);
                return 2;
        }
    }

    private static async Task ListAsync(bool json, BackupDbContext db, ServiceRegistryOptions registry, TextWriter output, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        var hosts = await db.BackupServices.AsNoTracking().OrderBy(h => h.Host).ToListAsync(ct);
        var work = await db.Backups.AsNoTracking()
            .Where(b => b.Host != null && !b.Deleted && InProgress.Contains(b.Status))
            .GroupBy(b => b.Host!)
            .Select(g => new { Host = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Host, g => g.Count, ct);
        var rows = hosts.Select(h => new ServiceRow(
            h.Host,
            h.AvailabilityZone,
            h.Store,
            h.Disabled ? "disabled" : "enabled",
            registry.IsUp(h, now) ? "up" : "down",
            h.Draining,
            h.ActiveOperations,
            work.GetValueOrDefault(h.Host),
            h.LastSeen,
            h.DisabledReason)).ToList();
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(rows));
            return;
        }

        await output.WriteLineAsync($"{"host",-40} {"zone",-12} {"store",-8} {"status",-9} {"state",-5} {"work",4}  last heartbeat (UTC)");
        foreach (var row in rows)
        {
            var state = row.Draining && row.State == "up" ? "drain" : row.State;
            await output.WriteLineAsync($"{row.Host,-40} {row.Zone,-12} {row.Store,-8} {row.Status,-9} {state,-5} {row.Work,4}  {row.LastSeen.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}");
        }
    }

    private static async Task<int> RemoveAsync(string hostName, bool force, BackupDbContext db, ServiceRegistryOptions registry, TextWriter output, TextWriter errors, CancellationToken ct)
    {
        var host = await db.BackupServices.AsNoTracking().SingleOrDefaultAsync(h => h.Host == hostName, ct);
        if (host is null)
        {
            await errors.WriteLineAsync($"Host {hostName} not found: no cinder-backup service on it in the registry.");
            return 1;
        }

        var refused = false;
        if (registry.IsUp(host, DateTime.UtcNow))
        {
            await errors.WriteLineAsync(
                $"Host {hostName} is up (last heartbeat {host.LastSeen:O}, within {registry.ServiceDownTime}): stop its worker first, or it registers again with its next heartbeat.");
            refused = true;
        }

        var work = await db.Backups.AsNoTracking()
            .Where(b => b.Host == hostName && !b.Deleted && InProgress.Contains(b.Status))
            .Select(b => new { b.Id, b.Status, b.WorkStartedAt })
            .ToListAsync(ct);
        if (work.Count > 0)
        {
            await errors.WriteLineAsync(
                $"Host {hostName} holds {work.Count} operation(s) not finished: {string.Join(", ", work.Take(10).Select(b => $"{b.Id} {b.Status}{(b.WorkStartedAt is null ? " (queued)" : " (begun)")}"))}. "
                + "The scheduler ends them when it fails the host over (ServiceDownTime after its last heartbeat); once removed, nothing does but os-reset_status.");
            refused = true;
        }

        if (refused && !force)
        {
            await errors.WriteLineAsync("Not removed; --force removes it anyway.");
            return 1;
        }

        await db.BackupServices.Where(h => h.Host == hostName).ExecuteDeleteAsync(ct);
        await output.WriteLineAsync($"Service cinder-backup on host {hostName} removed.");
        return 0;
    }

    private sealed record ServiceRow(
        string Host,
        string Zone,
        string Store,
        string Status,
        string State,
        bool Draining,
        int ActiveOperations,
        int Work,
        DateTime LastSeen,
        string? DisabledReason);
}
