using System.Threading;

namespace Tina.Http.Server;

/// <summary>
/// Live servers by id, so a handler isolate (which knows only its call's payload) finds its server's call slots.
/// Written at <see cref="HttpServer.Configure"/> and <see cref="HttpServer.Dispose"/> under a lock (boot and teardown
/// only); read by handlers with a volatile read of the array element, which the lock's release published.
/// </summary>
internal static class HttpServerRegistry
{
    private const int Capacity = 256;
    private static readonly HttpServer?[] s_servers = new HttpServer?[Capacity];
    private static readonly Lock s_lock = new();

    public static int Register(HttpServer server)
    {
        lock (s_lock)
        {
            for (int i = 0; i < Capacity; i++)
            {
                if (s_servers[i] is null)
                {
                    Volatile.Write(ref s_servers[i], server);
                    return i;
                }
            }
        }

        throw new TinaConfigurationException("HttpServer", "257th live server", "at most 256 HttpServers configured at once in one process (dispose old ones)");
    }

    public static void Unregister(int id)
    {
        lock (s_lock)
        {
            if ((uint)id < Capacity)
            {
                Volatile.Write(ref s_servers[id], null);
            }
        }
    }

    public static HttpServer? Get(int id) => (uint)id < Capacity ? Volatile.Read(ref s_servers[id]) : null;
}
