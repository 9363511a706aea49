using System.Threading;

namespace Tina.Http.Server.Proxy;

/// <summary>
/// A proxy route: a path prefix, its upstreams and options, and per shard its pool of upstream connections.
/// </summary>
/// <remarks>
/// <see cref="PoolFor"/> creates a shard's pool on that shard's thread at its first use and publishes it with a
/// volatile write (only that shard reads it, except counters read by tests); everything inside a pool is then touched
/// by that shard alone.
/// </remarks>
internal sealed class HttpProxyRoute
{
    private readonly HttpProxyPool?[] _pools = new HttpProxyPool?[TinaSpec.ShardCountMax];

    public HttpProxyRoute(int index, byte[] prefix, HttpUpstream[] upstreams, HttpProxyOptions options, HttpServerOptions server)
    {
        Index = index;
        Prefix = prefix;
        Upstreams = upstreams;
        Options = options;
        RequestAreaBytes = server.Parser.MaxRequestLineBytes + server.Parser.MaxHeaderSectionBytes + server.ReceiveBytes + 1024;
        ResponseAreaBytes = options.MaxResponseHeadBytes + (2 * options.ChunkBytes) + 1024;
        ViaBytes = HttpProxyHeads.Ascii(options.ViaName);
        ProtoBytes = HttpProxyHeads.Ascii(options.ForwardedProto);
    }

    public byte[] ViaBytes { get; }

    public byte[] ProtoBytes { get; }

    public int Index { get; }

    public byte[] Prefix { get; }

    public HttpUpstream[] Upstreams { get; }

    public HttpProxyOptions Options { get; }

    /// <summary>The upstream request head (request line, fields, the added ones) or one framed body piece fits in this.</summary>
    public int RequestAreaBytes { get; }

    /// <summary>One step of response: the forwarded head fields plus one upstream read re-framed (at most two partial chunks' framing per read).</summary>
    public int ResponseAreaBytes { get; }

    public HttpProxyPool? PoolOrNull(int shard) => Volatile.Read(ref _pools[shard]);

    public HttpProxyPool PoolFor(int shard)
    {
        HttpProxyPool? pool = PoolOrNull(shard);
        if (pool is null)
        {
            pool = new HttpProxyPool(this);
            Volatile.Write(ref _pools[shard], pool);
        }

        return pool;
    }
}
