using System.Net;
using System.Net.Sockets;

namespace BackupPlatform.IntegrationTests;

/// <summary>
/// A loopback TCP forwarder in front of a real server, stopped to make the server unreachable for
/// whoever talks through it (a store outage without touching the shared server), or held to keep
/// what is sent through it waiting at a point the test chooses.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private TaskCompletionSource _flowing = Flowing();

    /// <param name="listenPort">0 for any free port; the port of a proxy disposed before, to bring a server back where it was.</param>
    public TcpProxy(int targetPort, int listenPort = 0)
    {
        _listener = new TcpListener(IPAddress.Loopback, listenPort);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _accepting = AcceptAsync(targetPort);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>From now on nothing is forwarded either way (connections stay open) until <see cref="Resume"/>.</summary>
    public void Hold() => Volatile.Write(ref _flowing, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Forwards what was held, and everything after it.</summary>
    public void Resume() => Volatile.Read(ref _flowing).TrySetResult();

    /// <summary>Closes the listener and every open connection: new connections are refused.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_open)
        {
            foreach (var client in _open)
            {
                client.Dispose();
            }
        }

        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync(int targetPort)
    {
        while (!_stop.IsCancellationRequested)
        {
            var inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            var outbound = new TcpClient();
            await outbound.ConnectAsync(IPAddress.Loopback, targetPort, _stop.Token);
            lock (_open)
            {
                _open.Add(inbound);
                _open.Add(outbound);
            }

            _ = PumpAsync(inbound.GetStream(), outbound.GetStream());
            _ = PumpAsync(outbound.GetStream(), inbound.GetStream());
        }
    }

    private static TaskCompletionSource Flowing()
    {
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flowing.SetResult();
        return flowing;
    }

    private async Task PumpAsync(Stream from, Stream to)
    {
        try
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                await Volatile.Read(ref _flowing).Task.WaitAsync(_stop.Token);
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
