using System.Collections.Generic;

namespace Tina.Http.Server.Proxy;

/// <summary>
/// One proxy route's upstream connections on one shard: at most MaxConnectionsPerShard links, each with at most one
/// exchange isolate (which owns at most one upstream socket); the idle ones wait for a next request.
/// </summary>
/// <remarks>
/// Thread ownership: created on the shard's thread by its first proxied request, then touched only there (one
/// invocation at a time), so no field needs ordering except the counters, which tests read (volatile on both sides).
/// Invariants: every link index is in exactly one of {free slots, idle, leased}; idle links have a live exchange.
/// </remarks>
internal sealed class HttpProxyPool
{
    private readonly HttpProxyRoute _route;
    private readonly HttpProxyLink?[] _links;
    private readonly Stack<int> _free;
    private readonly List<int> _idle;

    public HttpProxyPool(HttpProxyRoute route)
    {
        _route = route;
        int capacity = route.Options.MaxConnectionsPerShard;
        _links = new HttpProxyLink?[capacity];
        _free = new Stack<int>(capacity);
        for (int i = capacity - 1; i >= 0; i--)
        {
            _free.Push(i);
        }

        _idle = new List<int>(capacity);
    }

    /// <summary>The next upstream to connect to (round-robin over the route's upstreams).</summary>
    public int NextUpstream { get; set; }

    /// <summary>Counters: [0] upstream connects, [1] requests refused for a full pool (503), [2] reuses of an idle connection.</summary>
    public long[] Counters { get; } = new long[3];

    public HttpProxyLink Link(int index) => _links[index]!;

    /// <summary>An idle link (its exchange alive, socket kept), or a free slot whose exchange the caller spawns; false when all are busy.</summary>
    public bool TryLease(out HttpProxyLink link, out bool needsExchange)
    {
        if (_idle.Count > 0)
        {
            int i = _idle[^1]; // the most recently used: warm, and lets the others age out
            _idle.RemoveAt(_idle.Count - 1);
            link = _links[i]!;
            link.IsIdle = false;
            needsExchange = false;
            Counters[2]++;
            return true;
        }

        if (_free.Count > 0)
        {
            int i = _free.Pop();
            link = _links[i] ??= new HttpProxyLink(_route, i);
            needsExchange = true;
            return true;
        }

        Counters[1]++;
        link = null!;
        needsExchange = false;
        return false;
    }

    /// <summary>The caller could not spawn the exchange for a free slot: the slot is free again.</summary>
    public void Unlease(HttpProxyLink link) => _free.Push(link.Index);

    /// <summary>The exchange finished a response on a kept-alive socket.</summary>
    public void ReturnIdle(HttpProxyLink link)
    {
        link.IsIdle = true;
        _idle.Add(link.Index);
    }

    /// <summary>The exchange ends (its socket closed): the slot is free.</summary>
    public void Ended(HttpProxyLink link)
    {
        if (link.IsIdle)
        {
            link.IsIdle = false;
            _idle.Remove(link.Index);
        }

        link.Exchange = Handle.None;
        _free.Push(link.Index);
    }
}
