using BackupPlatform.Storage.Stores;

namespace BackupPlatform.Worker;

/// <summary>Cinder's check_for_setup_error at start: a worker whose store is unreachable does not come up.</summary>
internal sealed class StoreSetupCheck(IObjectStore store, ILogger<StoreSetupCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.CheckSetupAsync(cancellationToken);
        logger.LogInformation("Store {Store} is ready", store.Name);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
