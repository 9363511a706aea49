using System;
using System.Collections.Generic;
using System.Text;
using Tina.Http.Server.Proxy;

namespace Tina.Http.Server;

/// <summary>The server's proxy routes: <see cref="MapProxy"/>, matching by prefix, and the exchange isolate type.</summary>
public sealed partial class HttpServer
{
    private readonly List<HttpProxyRoute> _proxyRouteList = [];
    private HttpProxyRoute[] _proxyRoutes = [];
    private HttpProxyRoute[] _proxyMatchOrder = [];

    /// <summary>
    /// Maps a path prefix to upstream HTTP/1.1 servers: a request whose path starts with <paramref name="prefix"/>
    /// (and that no exact route takes) is forwarded to one of <paramref name="upstreams"/> (round-robin per shard over
    /// a bounded pool of kept-alive connections), its body streamed as it arrives and the response streamed back.
    /// Hop-by-hop fields are removed; <c>Via</c> and <c>X-Forwarded-For/Proto/Host</c> are added. An upstream that
    /// cannot be reached or answers malformed bytes gets the client a 502, one too slow (see
    /// <see cref="HttpProxyOptions.ResponseTimeout"/>) a 504, a full pool a 503. Longer prefixes are tried first.
    /// </summary>
    public HttpServer MapProxy(string prefix, IReadOnlyList<HttpUpstream> upstreams, HttpProxyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(upstreams);
        CheckMutable();
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        if (prefix[0] != '/' || prefix.Contains('?', StringComparison.Ordinal) || prefix.AsSpan().IndexOfAnyExceptInRange('!', (char)0x7E) >= 0)
        {
            throw new ArgumentException($"'{prefix}' is not a path prefix (starts with '/', no query, visible ASCII).", nameof(prefix));
        }

        if (upstreams.Count == 0)
        {
            throw new ArgumentException("A proxy route needs at least one upstream.", nameof(upstreams));
        }

        var list = new HttpUpstream[upstreams.Count];
        for (int i = 0; i < list.Length; i++)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(upstreams[i].Port, 1, nameof(upstreams));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(upstreams[i].Port, 65535, nameof(upstreams));
            list[i] = upstreams[i];
        }

        HttpProxyOptions copy = (options ?? new HttpProxyOptions()).Clone();
        _proxyRouteList.Add(new HttpProxyRoute(_proxyRouteList.Count, Encoding.ASCII.GetBytes(prefix), list, copy, Options));
        return this;
    }

    /// <summary>The proxy counters of route <paramref name="route"/> (in mapping order) on a shard: upstream connects, 503s for a full pool, reuses of an idle connection.</summary>
    public long ProxyCounter(int shard, int route, int counter)
    {
        HttpProxyPool? pool = (uint)route < (uint)_proxyRoutes.Length ? _proxyRoutes[route].PoolOrNull(shard) : null;
        return pool is null ? 0 : System.Threading.Volatile.Read(ref pool.Counters[counter]);
    }

    internal HttpProxyRoute ProxyRoute(int index) => _proxyRoutes[index];

    /// <summary>The largest response step a connection appends for a proxied request.</summary>
    private int LargestProxyStep
    {
        get
        {
            int largest = 0;
            foreach (HttpProxyRoute route in _proxyRouteList)
            {
                largest = Math.Max(largest, route.ResponseAreaBytes);
            }

            return largest;
        }
    }

    /// <summary>The proxy route whose prefix <paramref name="path"/> starts with (the longest), or null.</summary>
    internal HttpProxyRoute? MatchProxy(ReadOnlySpan<byte> path)
    {
        HttpProxyRoute[] routes = _proxyMatchOrder;
        for (int i = 0; i < routes.Length; i++)
        {
            if (path.StartsWith(routes[i].Prefix))
            {
                return routes[i]; // sorted longest prefix first at Configure
            }
        }

        return null;
    }

    private void ConfigureProxies(TinaSpec spec)
    {
        if (_proxyRouteList.Count == 0)
        {
            return;
        }

        int exchanges = 0;
        foreach (HttpProxyRoute route in _proxyRouteList)
        {
            route.Options.Validate();

            exchanges += route.Options.MaxConnectionsPerShard;
        }

        HttpProxyRoute[] sorted = [.. _proxyRouteList];
        Array.Sort(sorted, static (a, b) => b.Prefix.Length.CompareTo(a.Prefix.Length));
        _proxyRoutes = [.. _proxyRouteList];
        _proxyMatchOrder = sorted;
        spec.AddIsolate(() => new HttpProxyExchange(this), slots: exchanges + 1, mailboxCapacity: 8);
    }
}
