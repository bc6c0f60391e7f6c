using BackupPlatform.Storage.Stores;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BackupPlatform.Worker;

/// <summary>The worker is ready only while its store answers (check_for_setup_error, asked again).</summary>
internal sealed class StoreHealthCheck(IObjectStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.CheckSetupAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{store.Name} store reachable");
        }
        catch (StoreException e)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }
}
