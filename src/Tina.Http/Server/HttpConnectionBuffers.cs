using Tina.Http.Parsing;

namespace Tina.Http.Server;

/// <summary>
/// The memory of one connection: its parser (head and scratch buffers inside), the pending-response buffer and the
/// stash of received bytes not parsed yet. Pooled per shard (<see cref="HttpShard.RentBuffers"/>) so a connection
/// allocates them only when the pool is empty, and a request never does.
/// </summary>
internal sealed class HttpConnectionBuffers
{
    public HttpConnectionBuffers(HttpServer server)
    {
        Parser = new HttpRequestParser(server.Options.Parser);
        Output = new byte[server.OutputCapacity];
        Stash = new byte[server.Options.ReceiveBytes];
    }

    public HttpRequestParser Parser { get; }

    /// <summary>Responses waiting to be sent, in request order.</summary>
    public byte[] Output { get; }

    /// <summary>Received bytes kept for later parsing (while a handler call is out, or the output is over its mark).</summary>
    public byte[] Stash { get; }
}
