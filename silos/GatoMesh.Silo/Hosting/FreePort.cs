using System.Net;
using System.Net.Sockets;

namespace GatoMesh.Silo.Hosting;

/// <summary>A port nobody listens on now, for a listener asked to take "any free port" that cannot take
/// port 0 itself (Orleans advertises its ports in membership, so it must know them before it binds).</summary>
internal static class FreePort
{
    public static int On(string host)
    {
        using var probe = new TcpListener(IPAddress.Parse(host), 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
