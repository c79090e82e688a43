using System.Net;
using System.Net.Sockets;
using GatoMesh.Runtime.Hosting;

namespace GatoMesh.Runtime.Transport;

/// <summary>Accepts TCP connections on one port (the silo port or the gateway port) and starts a
/// <see cref="Connection"/> for each.</summary>
internal sealed class ConnectionListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private IFrameHandler? _handler;
    private readonly RuntimeLog _log;
    private readonly int _maxFrameBytes;
    private readonly bool _isGateway;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Connection> _connections = [];
    private Task _accepting = Task.CompletedTask;

    /// <summary>Binds and listens at once (so a port of 0 is resolved before the silo knows its address).</summary>
    public ConnectionListener(IPEndPoint endpoint, RuntimeLog log, int maxFrameBytes, bool isGateway)
    {
        _socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _socket.Bind(endpoint);
        _socket.Listen(512);
        _log = log;
        _maxFrameBytes = maxFrameBytes;
        _isGateway = isGateway;
    }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public void Start(IFrameHandler handler)
    {
        _handler = handler;
        _accepting = Task.Run(AcceptLoopAsync);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            var connection = new Connection(accepted, _handler!, _log, _maxFrameBytes, _isGateway);
            lock (_connections)
            {
                _connections.RemoveAll(c => c.IsClosed);
                _connections.Add(connection);
            }
            connection.Start();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket.Dispose();
        await _accepting.ConfigureAwait(false);
        Connection[] open;
        lock (_connections) open = [.. _connections];
        foreach (var c in open) await c.DisposeAsync();
    }
}
