namespace Tina.Http.Server.Proxy;

/// <summary>
/// One pooled upstream connection's shared state: the exchange isolate that owns the socket, and the two areas the
/// client connection and the exchange hand to each other turn by turn. Allocated at the slot's first use, reused.
/// </summary>
/// <remarks>
/// Ownership of the areas (one writer at a time, all on the shard's thread): <see cref="RequestArea"/> is the client
/// connection's to write until it sends Head or Body, then the exchange's to read until it answers RequestAck (or, for
/// the last piece, for good). <see cref="ResponseArea"/> is the exchange's to write until it sends Data, then the
/// connection's to read until it sends DataAck. The socket belongs to the exchange alone (Tina's one-owner rule).
/// </remarks>
internal sealed class HttpProxyLink
{
    public HttpProxyLink(HttpProxyRoute route, int index)
    {
        Index = index;
        RequestArea = new byte[route.RequestAreaBytes];
        ResponseArea = new byte[route.ResponseAreaBytes];
        Parser = new HttpResponseParser(route.Options.MaxResponseHeadBytes, route.Options.MaxResponseHeaderCount);
    }

    public int Index { get; }

    public byte[] RequestArea { get; }

    public byte[] ResponseArea { get; }

    public HttpResponseParser Parser { get; }

    /// <summary>The exchange isolate, or <see cref="Handle.None"/> while the slot has none.</summary>
    public Handle Exchange { get; set; }

    /// <summary>The exchange is idle on a kept-alive socket (in the pool's idle list).</summary>
    public bool IsIdle { get; set; }
}
