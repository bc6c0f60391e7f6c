using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace BackupPlatform.IntegrationTests;

/// <summary>/alive and /health, as Kubernetes probes them.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Health_reports_the_database_the_bus_and_the_worker_store()
    {
        await using var deployment = await Deployment.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await deployment.Api.GetAsync("/alive")).StatusCode);

        // Readiness may say "not started" until the bus's receive endpoints are up, as Kubernetes allows;
        // it must turn ready soon after, and stay so.
        var api = await ReadyAsync(deployment.Api);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        var checks = (await Deployment.ReadAsync(api)).GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("database-BackupDbContext").GetProperty("status").GetString());
        Assert.Contains(checks.EnumerateObject(), c => c.Name.Contains("masstransit", StringComparison.OrdinalIgnoreCase));

        var workerAddress = deployment.Worker!.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var worker = new HttpClient { BaseAddress = new Uri(workerAddress) };
        var response = await ReadyAsync(worker);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", (await Deployment.ReadAsync(response)).GetProperty("checks").GetProperty("store").GetProperty("status").GetString());

        // The store gone (its directory replaced by a file): the worker is no longer ready.
        Directory.Delete(deployment.StorePath, recursive: true);
        await File.WriteAllTextAsync(deployment.StorePath, "not a directory");
        response = await worker.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", (await Deployment.ReadAsync(response)).GetProperty("checks").GetProperty("store").GetProperty("status").GetString());
        File.Delete(deployment.StorePath);
    }

    /// <summary>The first OK answer of /health, or the last answer after 60 s.</summary>
    private static async Task<HttpResponseMessage> ReadyAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var response = await client.GetAsync("/health");
        while (response.StatusCode != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            response = await client.GetAsync("/health");
        }

        return response;
    }
}
