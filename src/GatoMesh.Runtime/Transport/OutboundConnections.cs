using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using GatoMesh.Runtime.Hosting;

namespace GatoMesh.Runtime.Transport;

/// <summary>One outgoing connection per remote endpoint, opened on first use and reopened on the next
/// use after it closed. Responses to what we send come back on the same connection.</summary>
internal sealed class OutboundConnections(IFrameHandler handler, RuntimeLog log, int maxFrameBytes) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<Connection>>> _connections = new();
    private volatile bool _disposed;

    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The open connection to host:port, connecting if needed. Throws
    /// <see cref="SiloUnavailableException"/> if the endpoint does not accept.</summary>
    public ValueTask<Connection> GetAsync(string host, int port)
    {
        string key = $"{host}:{port}";
        var entry = _connections.GetOrAdd(key, k => new Lazy<Task<Connection>>(() => ConnectAsync(k, host, port)));
        var task = entry.Value;
        if (task.IsCompletedSuccessfully && !task.Result.IsClosed) return new ValueTask<Connection>(task.Result);
        if (task.IsCompleted)
        {
            _connections.TryRemove(KeyValuePair.Create(key, entry));
            if (task.IsCompletedSuccessfully) return GetAsync(host, port);
        }
        return new ValueTask<Connection>(task);
    }

    private async Task<Connection> ConnectAsync(string key, string host, int port)
    {
        if (_disposed) throw new SiloUnavailableException($"not connecting to {key}: shutting down");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var timeout = new CancellationTokenSource(ConnectTimeout);
            var address = IPAddress.TryParse(host, out var ip) ? ip : (await Dns.GetHostAddressesAsync(host, timeout.Token))[0];
            await socket.ConnectAsync(new IPEndPoint(address, port), timeout.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IndexOutOfRangeException)
        {
            socket.Dispose();
            throw new SiloUnavailableException($"cannot connect to {key}: {e.Message}", e);
        }
        var connection = new Connection(socket, handler, log, maxFrameBytes, isGateway: false);
        connection.Start();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        foreach (var entry in _connections.Values)
        {
            if (entry.IsValueCreated && entry.Value.IsCompletedSuccessfully)
                await entry.Value.Result.DisposeAsync();
        }
        _connections.Clear();
    }
}
