using System.Net;
using System.Net.Sockets;

namespace GatoMesh.Gateway.Tests.Fixtures;

/// <summary>
/// A TCP relay on a free loopback port in front of the gateway, for losing a connection at a chosen
/// moment: after <see cref="CutAfterNextClientBytes"/>, the next bytes the client sends are delivered to
/// the gateway and then both sides of that connection are dropped before anything comes back — a request
/// that reached the server whose answer the client never saw. Later connections relay normally.
/// </summary>
internal sealed class CuttableProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private int _armed;
    private int _connections;

    public CuttableProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far (a reconnect makes it grow).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Completes when an armed cut happened.</summary>
    public Task Cut => _cut.Task;

    private readonly TaskCompletionSource _cut = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void CutAfterNextClientBytes() => Volatile.Write(ref _armed, 1);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                var server = new TcpClient();
                await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
                lock (_open) _open.AddRange([client, server]);
                _ = RelayAsync(client, server, fromClient: true);
                _ = RelayAsync(server, client, fromClient: false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task RelayAsync(TcpClient from, TcpClient to, bool fromClient)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            var source = from.GetStream();
            var sink = to.GetStream();
            while (true)
            {
                var n = await source.ReadAsync(buffer, _stop.Token);
                if (n == 0) break;
                await sink.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
                if (fromClient && Interlocked.Exchange(ref _armed, 0) == 1)
                {
                    await sink.FlushAsync(_stop.Token);
                    from.Client.LingerState = new LingerOption(true, 0); // RST: the client sees a broken connection
                    from.Close();
                    to.Close();
                    _cut.TrySetResult();
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
            // One side went away.
        }
        from.Close();
        to.Close();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        lock (_open)
        {
            foreach (var c in _open) c.Close();
        }
    }
}
