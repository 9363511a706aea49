using System;
using System.Globalization;

namespace Tina.Http.Server.Proxy;

/// <summary>
/// Settings of one proxy route (<see cref="HttpServer.MapProxy"/>). Validated at <see cref="HttpServer.Configure"/>;
/// a bad field throws <see cref="TinaConfigurationException"/> naming it (<c>HttpProxyOptions.ConnectTimeout</c>...).
/// </summary>
public sealed class HttpProxyOptions
{
    /// <summary>An upstream connect that does not complete within this is a 502 (default 5 s). 1 ms..1 day.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Each read of the upstream's response (the head after the request was sent, then every body read) must bring
    /// bytes within this (default 30 s): past it before the head, 504; during the body, the client's connection is
    /// closed (its response is already under way). 1 ms..1 day.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Upstream connections (exchange isolates) per shard for this route, busy or idle (default 32); beyond: 503. 1..65,536.</summary>
    public int MaxConnectionsPerShard { get; set; } = 32;

    /// <summary>The most bytes one streamed step carries each way (default 16 KiB): one upstream read, one request body piece. 1 KiB..1 MiB.</summary>
    public int ChunkBytes { get; set; } = 16 * 1024;

    /// <summary>The upstream's status line and header section must fit in this (default 32 KiB); larger: 502. 1 KiB..1 MiB.</summary>
    public int MaxResponseHeadBytes { get; set; } = 32 * 1024;

    /// <summary>The upstream's header count limit (default 100); more: 502. 1..10,000.</summary>
    public int MaxResponseHeaderCount { get; set; } = 100;

    /// <summary>The pseudonym in the <c>Via</c> field this proxy adds (default "tina"): a token.</summary>
    public string ViaName { get; set; } = "tina";

    /// <summary>The value of <c>X-Forwarded-Proto</c> (default "http"): a token.</summary>
    public string ForwardedProto { get; set; } = "http";

    /// <summary>A copy (the server keeps one, so later edits cannot change a running route).</summary>
    public HttpProxyOptions Clone() => (HttpProxyOptions)MemberwiseClone();

    /// <summary>Throws <see cref="TinaConfigurationException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        Duration(nameof(ConnectTimeout), ConnectTimeout);
        Duration(nameof(ResponseTimeout), ResponseTimeout);
        Range(nameof(MaxConnectionsPerShard), MaxConnectionsPerShard, 1, 65536);
        Range(nameof(ChunkBytes), ChunkBytes, 1024, 1 << 20);
        Range(nameof(MaxResponseHeadBytes), MaxResponseHeadBytes, 1024, 1 << 20);
        Range(nameof(MaxResponseHeaderCount), MaxResponseHeaderCount, 1, 10000);
        TokenField(nameof(ViaName), ViaName);
        TokenField(nameof(ForwardedProto), ForwardedProto);
    }

    private static void TokenField(string field, string? value)
    {
        bool ok = !string.IsNullOrEmpty(value) && value.Length <= 64;
        foreach (char c in value ?? string.Empty)
        {
            ok &= c < 0x80 && Tina.Http.Parsing.HttpSyntax.IsToken((byte)c);
        }

        if (!ok)
        {
            throw new TinaConfigurationException("HttpProxyOptions." + field, value ?? "null", "must be a token of 1..64 characters");
        }
    }

    private static void Range(string field, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            throw new TinaConfigurationException(
                "HttpProxyOptions." + field, value.ToString(CultureInfo.InvariantCulture), $"must be in {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private static void Duration(string field, TimeSpan value)
    {
        if (value < TimeSpan.FromMilliseconds(1) || value > TimeSpan.FromDays(1))
        {
            throw new TinaConfigurationException(
                "HttpProxyOptions." + field, value.ToString("c", CultureInfo.InvariantCulture), "must be in 00:00:00.0010000..1.00:00:00");
        }
    }
}
