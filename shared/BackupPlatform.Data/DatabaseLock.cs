using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Data;

/// <summary>
/// Cluster-wide mutual exclusion through PostgreSQL session advisory locks, held on the context's open
/// connection for as long as the work runs (a process that dies mid-work drops its connection and so
/// its lock), behind a lock of the process's own. On SQLite the database belongs to one process, so the
/// process's lock is all.
/// </summary>
public static class DatabaseLock
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> InProcess = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="work"/> while holding the lock named <paramref name="name"/>, waiting for it.</summary>
    public static Task RunAsync(DbContext context, string name, Func<CancellationToken, Task> work, CancellationToken cancellationToken) =>
        RunAsync(context, name, wait: true, work, cancellationToken);

    /// <summary>Runs <paramref name="work"/> unless another process holds the lock; false when it did not run.</summary>
    public static Task<bool> TryRunAsync(DbContext context, string name, Func<CancellationToken, Task> work, CancellationToken cancellationToken) =>
        RunAsync(context, name, wait: false, work, cancellationToken);

    private static async Task<bool> RunAsync(DbContext context, string name, bool wait, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        // First among this process's own callers: on SQLite that is the whole lock; on PostgreSQL it keeps a burst
        // (64 routings for one zone) to one connection waiting on the advisory lock per process, not one each,
        // which emptied the server's connection slots. Names are few (zones, hosts, stores): a semaphore each for
        // the life of the process.
        var gate = InProcess.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        if (wait)
        {
            await gate.WaitAsync(cancellationToken);
        }
        else if (!await gate.WaitAsync(TimeSpan.Zero, cancellationToken))
        {
            return false;
        }

        try
        {
            return context.Database.IsNpgsql()
                ? await RunUnderAdvisoryLockAsync(context, StableKey(name), wait, work, cancellationToken)
                : await RunAsync(work, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task<bool> RunAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        await work(cancellationToken);
        return true;
    }

    private static async Task<bool> RunUnderAdvisoryLockAsync(DbContext context, long key, bool wait, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        await context.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (wait)
            {
                await context.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({key})", cancellationToken);
            }
            else if (!await context.Database.SqlQuery<bool>($"SELECT pg_try_advisory_lock({key}) AS \"Value\"").SingleAsync(cancellationToken))
            {
                return false;
            }

            try
            {
                await work(cancellationToken);
                return true;
            }
            finally
            {
                await context.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({key})", CancellationToken.None);
            }
        }
        finally
        {
            await context.Database.CloseConnectionAsync();
        }
    }

    private static long StableKey(string name)
    {
        // string.GetHashCode differs per process; the key must be the same in every service.
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name));
        return BitConverter.ToInt64(hash, 0);
    }
}
