namespace Tina.Simulation.Workloads;

/// <summary>What an http-server client request is, and so which answers it may get.</summary>
internal enum HttpSimRequestKind
{
    /// <summary><c>GET /static</c>: 200 with the static body.</summary>
    Static,

    /// <summary><c>HEAD /static</c>: 200, the static Content-Length, no body.</summary>
    Head,

    /// <summary><c>GET /nope</c>: 404.</summary>
    NotFound,

    /// <summary><c>DELETE /static</c>: 405 with <c>Allow: GET</c>.</summary>
    WrongMethod,

    /// <summary><c>POST /echo</c> with a Content-Length body: 200 with the same body (or a handler failure or shed).</summary>
    EchoLength,

    /// <summary><c>POST /echo</c> with a chunked body: 200 with the decoded body (or a handler failure or shed).</summary>
    EchoChunked,

    /// <summary><c>GET /slow?seq=N&amp;ms=M</c>: status 200 + N % 4 after M ms, or 504 past the handler timeout.</summary>
    Slow,

    /// <summary><c>GET /static HTTP/1.0</c>: 200, <c>Connection: close</c>, end of stream.</summary>
    Http10,

    /// <summary>A request the parser rejects: its status, <c>Connection: close</c>, end of stream; nothing after it answered.</summary>
    Malformed,
}
