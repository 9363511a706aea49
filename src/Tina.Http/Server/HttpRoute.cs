namespace Tina.Http.Server;

/// <summary>
/// One route, frozen at <see cref="HttpServer.Configure"/>: the exact method and path it matches, and either a
/// preencoded static response or the index of the handler isolate type that serves it.
/// </summary>
internal sealed class HttpRoute
{
    public HttpRoute(byte[] method, byte[] path, byte[]? staticHead, byte[]? staticBody, int handler)
    {
        Method = method;
        Path = path;
        StaticHead = staticHead;
        StaticBody = staticBody;
        Handler = handler;
    }

    public byte[] Method { get; }

    public byte[] Path { get; }

    /// <summary>Status line, Content-Type and Content-Length lines of a static route (Date and Connection are added per response).</summary>
    public byte[]? StaticHead { get; }

    public byte[]? StaticBody { get; }

    /// <summary>Index of the handler type, or -1 for a static route.</summary>
    public int Handler { get; }

    public bool IsStatic => Handler < 0;

    /// <summary>The class of the route's requests under overload (handler routes; a static answer costs what a 503 would, so it is never shed).</summary>
    public HttpPriority Priority { get; init; } = HttpPriority.Normal;

    /// <summary>A streaming handler route (<see cref="HttpServer.MapStreamingHandler{THandler}"/>): bodies go to the handler piece by piece.</summary>
    public bool IsStreaming { get; init; }

    /// <summary>"Allow: ...\r\n" listing every method mapped on this path (for 405), set at freeze.</summary>
    public byte[] AllowLine { get; set; } = [];
}
