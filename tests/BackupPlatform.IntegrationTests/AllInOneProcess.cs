using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BackupPlatform.IntegrationTests;

/// <summary>
/// The all-in-one as its own operating-system process (the built BackupPlatform.AllInOne.dll) in a fresh
/// directory: SQLite, in-memory bus, posix store. What a hostile tenant meets on a laptop install, and the
/// one host where a request that kills the process kills every operation with it. Every line it logs is
/// kept, so tests can look for what must never be logged.
/// </summary>
public sealed class AllInOneProcess : IAsyncDisposable
{
    public const string Project = Deployment.Project;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private AllInOneProcess(string root, int port, Process process)
    {
        Root = root;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        _process = process;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Root { get; }

    public Uri BaseAddress { get; }

    public bool HasExited => _process.HasExited;

    public IReadOnlyCollection<string> LogLines => _lines;

    public string DatabasePath => Path.Combine(Root, "data", "backupplatform.db");

    public static async Task<AllInOneProcess> StartAsync(params string[] settings)
    {
        var root = Path.Combine(Path.GetTempPath(), $"bp-aio-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BackupPlatform.AllInOne.dll"));
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        // Request logs at Information: a secret in any of them is what the token test looks for.
        start.ArgumentList.Add("--Logging:LogLevel:Default=Information");
        start.ArgumentList.Add("--Logging:LogLevel:Microsoft.AspNetCore=Information");
        foreach (var setting in settings)
        {
            start.ArgumentList.Add(setting);
        }

        var host = new AllInOneProcess(root, port, Process.Start(start)!);
        using var probe = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        await Deployment.WaitUntilAsync(async () =>
        {
            Assert.False(host.HasExited, $"the all-in-one exited at start:\n{string.Join('\n', host.LogLines.TakeLast(40))}");
            try
            {
                return (await probe.GetAsync("/v3/")).StatusCode == HttpStatusCode.OK;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, seconds: 180);
        return host;
    }

    /// <summary>A client as user:project (noauth), or with the given token (token mode).</summary>
    public HttpClient Client(string token = $"tenant:{Project}")
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Add("X-Auth-Token", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the dying process: the temp directory is cleaned by the OS later.
        }
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
