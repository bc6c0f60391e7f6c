namespace BackupPlatform.Worker;

/// <summary>
/// The token a worker's operations run under. It is cancelled only once the worker is stopping and its
/// drain timeout has passed.
/// It is not the consume context's token, because MassTransit also cancels that one when the broker
/// connection drops. A backup, restore or delete in flight needs the database, the volume and the
/// store, not the broker, so a broker outage must not fail it.
/// </summary>
public sealed class DrainDeadline : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly CancellationTokenRegistration _stopping;

    public DrainDeadline(IHostApplicationLifetime lifetime, WorkerOptions options)
    {
        _stopping = lifetime.ApplicationStopping.Register(() =>
        {
            try
            {
                _source.CancelAfter(options.ShutdownDrainTimeout);
            }
            catch (ObjectDisposedException)
            {
                // Stopped after disposal: nothing runs any more.
            }
        });
    }

    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        _stopping.Dispose();
        _source.Dispose();
    }
}
