using System.Diagnostics;

namespace BackupPlatform.IntegrationTests;

/// <summary>
/// A RabbitMQ of the test's own (scripts/rabbitmq.sh on ports no other test uses), for tests that
/// stop and start the broker. Stopping keeps its data, as a real outage would.
/// </summary>
public sealed class PrivateRabbitMq : IAsyncDisposable
{
    /// <summary>The xunit collection of every test that runs one: they share its ports, so they take turns.</summary>
    public const string Collection = "private RabbitMQ";

    // One fixed place: a broker left behind by an aborted run is found and stopped before a new one starts on its ports.
    private readonly string _base = Path.Combine(Path.GetTempPath(), "bp-private-rabbitmq");

    // Ports below Linux's ephemeral range (32768–60999): this broker starts mid-run, when any of the run's outgoing
    // connections may hold a port in that range (CI once failed with "dist_port_already_used, 56774, not_erlang").
    public static string Uri => "amqp://backup:backup@127.0.0.1:26772/";

    public static async Task<PrivateRabbitMq> StartAsync()
    {
        var broker = new PrivateRabbitMq();
        await broker.RunAsync("stop");
        await broker.RunAsync("start");
        return broker;
    }

    public Task StopAsync() => RunAsync("stop", keepData: true);

    public Task RestartAsync() => RunAsync("start");

    public async ValueTask DisposeAsync() => await RunAsync("stop");

    private async Task RunAsync(string command, bool keepData = false)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "scripts", "rabbitmq.sh"));
        start.ArgumentList.Add(command);
        start.Environment["RMQ_BASE"] = _base;
        start.Environment["RMQ_PORT"] = "26772";
        start.Environment["RMQ_DIST_PORT"] = "26774";
        start.Environment["RMQ_EPMD_PORT"] = "24569";
        start.Environment["RMQ_MGMT"] = "0";
        start.Environment["RMQ_KEEP_DATA"] = keepData ? "1" : "0";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"rabbitmq.sh {command} failed: {await output}{await errors}");
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "BackupPlatform.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("BackupPlatform.sln not found above the test binaries.");
    }
}
