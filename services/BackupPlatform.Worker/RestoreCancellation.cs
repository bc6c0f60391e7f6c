using BackupPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace BackupPlatform.Worker;

/// <summary>
/// Cinder's BackupRestoreCancel: while a restore runs, its backup's status is watched, and setting
/// it to anything but restoring (reset-status) cancels the restore within a poll interval.
/// </summary>
public sealed class RestoreCancellation(IServiceScopeFactory scopes)
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Starts watching; dispose the watch when the restore ends.</summary>
    public Watch Start(Guid backupId, CancellationToken cancellationToken) => new(scopes, backupId, cancellationToken);

    public sealed class Watch : IAsyncDisposable
    {
        private readonly CancellationTokenSource _restore;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _polling;

        internal Watch(IServiceScopeFactory scopes, Guid backupId, CancellationToken cancellationToken)
        {
            _restore = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _polling = PollAsync(scopes, backupId);
        }

        /// <summary>Cancelled when the restore must stop: the caller's token, or the backup's status changed.</summary>
        public CancellationToken Token => _restore.Token;

        /// <summary>The status the backup was set to, when that cancelled the restore.</summary>
        public string? StatusSet { get; private set; }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _polling.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _stop.Dispose();
            _restore.Dispose();
        }

        private async Task PollAsync(IServiceScopeFactory scopes, Guid backupId)
        {
            using var timer = new PeriodicTimer(PollInterval);
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await using var scope = scopes.CreateAsyncScope();
                var status = await scope.ServiceProvider.GetRequiredService<BackupDbContext>().Backups
                    .Where(b => b.Id == backupId).Select(b => b.Status).SingleOrDefaultAsync(_stop.Token);
                if (status != BackupStatus.Restoring)
                {
                    StatusSet = status;
                    await _restore.CancelAsync();
                    return;
                }
            }
        }
    }
}
