using Tina.Io;

namespace Tina.Http.Server;

/// <summary>
/// One per shard, spawned by <see cref="HttpServer.Start"/>: the parent of the shard's <see cref="HttpListener"/>, and
/// the isolate a drain is delivered to. It exists because mail waits while an isolate waits for I/O: the listener
/// sits in Accept forever, so it cannot be told anything by message, but its parent can cancel it (a Cancel abandons
/// the Accept), and this gate never does I/O, so outside code reaches it with <see cref="TinaRuntime.Send{T}"/>.
/// </summary>
/// <remarks>
/// On a drain request it marks the shard draining (shard state, touched here on the shard's own thread) and cancels
/// the listener, which closes the listening socket and cancels the idle connections (its children) before it ends.
/// </remarks>
internal sealed class HttpDrainGate : IIsolate
{
    private readonly HttpServer _server;
    private Handle _listener;

    public HttpDrainGate(HttpServer server) => _server = server;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out HttpListenerStart start))
        {
            SpawnResult listener = ctx.Spawn<HttpListener, HttpListenerStart>(in start);
            if (!listener.IsOk)
            {
                ctx.Log(TinaLogLevel.Error, "HTTP listener spawn failed (status)", (int)listener.Status, 0);
                return Effect.CrashWith(1);
            }

            _listener = listener.Handle;
            _server.GateStarted(ctx.ShardId, ctx.Self);
            return Effect.Receive;
        }

        if (message.Kind is MessageKind.Cancel or MessageKind.Shutdown)
        {
            return Effect.Done;
        }

        if (message.Is(out HttpDrainRequest drain) && drain.Server == _server.Id)
        {
            HttpShard shard = _server.ShardFor(ctx.ShardId);
            if (!shard.Draining)
            {
                shard.Draining = true;
                if (ctx.Cancel(_listener) != SendResult.Ok)
                {
                    shard.ListenerClosed = true; // the listener is gone already: nothing listens here
                }
            }
        }

        return Effect.Receive;
    }
}
