using System;

namespace TinaIngress;

/// <summary>The Ingress configuration section: where to listen and the server's main limits.</summary>
public sealed class IngressOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Ingress";

    /// <summary>Local address (an IPv4 or IPv6 literal).</summary>
    public string Address { get; set; } = "0.0.0.0";

    /// <summary>Port every shard listens on; 0 picks a free one (tests, one shard).</summary>
    public int Port { get; set; } = 8080;

    /// <summary>Open connections per shard.</summary>
    public int MaxConnectionsPerShard { get; set; } = 1024;

    /// <summary>Timeout of the call from a connection to a handler isolate.</summary>
    public TimeSpan HandlerTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
