using System.Net;
using System.Net.Sockets;

namespace QueryRec.FunctionalTests.Infrastructure;

/// <summary>Ports for tests that run the real server (or a fake peer) on loopback sockets.</summary>
internal static class Loopback
{
    /// <summary>A loopback TCP port that was free a moment ago (the OS picks it; the listener is closed again).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
