namespace BackupPlatform.IntegrationTests;

/// <summary>
/// One deployment shared by the tests of a class that only read or add their own resources: the
/// golden API tests need many requests but no fresh database each.
/// </summary>
public sealed class ApiDeploymentFixture : IAsyncLifetime
{
    public Deployment Deployment { get; private set; } = null!;

    public async Task InitializeAsync() => Deployment = await Deployment.StartAsync();

    public async Task DisposeAsync() => await Deployment.DisposeAsync();
}
