using System.Net;
using System.Net.Sockets;

namespace Analytics.Testing;

/// <summary>Ports for servers the tests start as child processes (ClickHouse, Alertmanager).</summary>
internal static class LocalPorts
{
    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
