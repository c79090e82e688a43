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
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly int target;
    private readonly CancellationTokenSource stop = new();
    private readonly List<TcpClient> open = [];
    private readonly Task accepting;
    private int armed;
    private int connections;

    public CuttableProxy(int targetPort)
    {
        target = targetPort;
        listener.Start();
        accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far (a reconnect makes it grow).</summary>
    public int Connections => Volatile.Read(ref this.connections);

    /// <summary>Completes when an armed cut happened.</summary>
    public Task Cut => this.cut.Task;

    private readonly TaskCompletionSource cut = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void CutAfterNextClientBytes() => Volatile.Write(ref this.armed, 1);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref this.connections);
                var server = new TcpClient();
                await server.ConnectAsync(IPAddress.Loopback, target, stop.Token);
                lock (open) open.AddRange([client, server]);
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
                var n = await source.ReadAsync(buffer, stop.Token);
                if (n == 0) break;
                await sink.WriteAsync(buffer.AsMemory(0, n), stop.Token);
                if (fromClient && Interlocked.Exchange(ref this.armed, 0) == 1)
                {
                    await sink.FlushAsync(stop.Token);
                    from.Client.LingerState = new LingerOption(true, 0); // RST: the client sees a broken connection
                    from.Close();
                    to.Close();
                    this.cut.TrySetResult();
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
        stop.Cancel();
        listener.Stop();
        await accepting;
        lock (open)
        {
            foreach (var c in open) c.Close();
        }
    }
}
