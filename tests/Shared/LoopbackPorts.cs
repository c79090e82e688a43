using System.Net;
using System.Net.Sockets;

namespace GatoMesh.Testing;

/// <summary>Free TCP ports on 127.0.0.1 for the real servers tests start (redis-server, silos,
/// process groups). Compiled into every test project (tests/Directory.Build.props); tests bind
/// only loopback addresses.</summary>
internal static class LoopbackPorts
{
    /// <summary>A port free now (the kernel's choice).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The first of <paramref name="count"/> consecutive ports that are all free now, from a
    /// random start, for launchers that number their processes' ports from a base port.</summary>
    public static int FreeBlock(int count)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var start = Random.Shared.Next(20_000, 60_000);
            var listeners = new List<TcpListener>();
            try
            {
                for (var port = start; port < start + count; port++)
                {
                    var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    listeners.Add(listener);
                }
                return start;
            }
            catch (SocketException)
            {
                // One of them is taken: try another block.
            }
            finally
            {
                listeners.ForEach(l => l.Stop());
            }
        }
        throw new InvalidOperationException($"no block of {count} free loopback ports");
    }
}
