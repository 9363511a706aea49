using Tina.Io;

namespace Tina.Http.Server;

/// <summary>
/// One per shard: creates the shard's server state, spawns the shard's handler isolates, listens (SO_REUSEPORT) and
/// accepts forever. Each accepted socket is admitted against the shard and per-client limits and handed to a new
/// <see cref="HttpConnection"/>, or closed at once (the client sees an end of stream, unanswered: refusing costs the
/// shard nothing but the accept).
/// </summary>
internal sealed class HttpListener : IIsolate
{
    private readonly HttpServer _server;
    private HttpShard? _shard;
    private SocketHandle _listener;

    public HttpListener(HttpServer server) => _server = server;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out HttpListenerStart _))
        {
            _shard = _server.ShardFor(ctx.ShardId);
            for (int i = 0; i < _server.HandlerCount; i++)
            {
                SpawnResult handler = _server.SpawnHandler(ref ctx, i);
                _shard.Handlers[i] = handler.IsOk ? handler.Handle : Handle.None;
            }

            HttpServerOptions options = _server.Options;
            return ctx.Listen(options.Address, options.Port, options.Backlog);
        }

        if (message.Kind is MessageKind.Cancel or MessageKind.Shutdown || _shard is null)
        {
            if (message.Kind == MessageKind.Cancel && _shard is { Draining: true })
            {
                Drain(ref ctx, _shard);
            }

            return Effect.Done; // the listener socket closes with its owner
        }

        if (!message.Is(out IoCompletion done))
        {
            return Effect.Receive;
        }

        switch (done.Operation)
        {
            case IoOperation.Listen:
                if (!done.IsSuccess)
                {
                    ctx.Log(TinaLogLevel.Error, "HTTP listen failed (error kind, errno)", (int)done.Result.Kind, done.Result.OsError);
                    return Effect.CrashWith(1);
                }

                _listener = done.Socket;
                _shard.ListeningPort = ctx.LocalPort(_listener);
                return ctx.Accept(_listener, System.Threading.Timeout.InfiniteTimeSpan);

            case IoOperation.Accept:
                if (done.IsSuccess)
                {
                    Admit(ref ctx, done.Socket);
                }
                else if (done.Result.Kind == IoErrorKind.StaleConnection)
                {
                    return Effect.Done; // the listener is gone
                }

                return ctx.Accept(_listener, System.Threading.Timeout.InfiniteTimeSpan);

            default:
                return Effect.Receive;
        }
    }

    /// <summary>
    /// The drain (the gate cancelled this listener): close the listening socket now, so a new connect is refused, and
    /// cancel every connection that has nothing in flight (its children; a Cancel abandons the Receive it waits in).
    /// The others close after their current response (<see cref="HttpShard.Draining"/>).
    /// </summary>
    private void Drain(ref Context ctx, HttpShard shard)
    {
        if (!_listener.IsNone)
        {
            ctx.CloseNow(_listener);
            _listener = SocketHandle.None;
        }

        shard.ListeningPort = 0;
        shard.ListenerClosed = true;
        foreach (HttpConnection? connection in shard.Live)
        {
            if (connection is { IdleForDrain: true })
            {
                _ = ctx.Cancel(connection.Self);
                shard.Count(HttpServerCounter.DrainIdleClosed);
            }
        }
    }

    private void Admit(ref Context ctx, SocketHandle socket)
    {
        HttpShard shard = _shard!;
        HttpServerOptions options = _server.Options;
        bool hasPeer = ctx.TryGetPeerAddress(socket, out IoAddress peer);
        if (shard.Connections >= options.MaxConnectionsPerShard)
        {
            shard.Count(HttpServerCounter.ConnectionsRefusedShardLimit);
            ctx.CloseNow(socket);
            return;
        }

        if (hasPeer && shard.ConnectionsOf(peer) >= options.MaxConnectionsPerClient)
        {
            shard.Count(HttpServerCounter.ConnectionsRefusedClientLimit);
            ctx.CloseNow(socket);
            return;
        }

        // Admitted before the spawn: every spawned connection isolate leaves exactly once, at its end.
        shard.Admit(hasPeer, peer);
        SpawnResult connection = ctx.Spawn<HttpConnection, HttpConnectionStart>(new HttpConnectionStart(socket, peer, hasPeer));
        if (!connection.IsOk)
        {
            shard.Leave(hasPeer, peer);
            shard.Count(HttpServerCounter.ConnectionsRefusedSpawn);
            ctx.CloseNow(socket);
            return;
        }

        if (!ctx.TransferSocket(socket, connection.Handle))
        {
            // The new isolate's first Receive on a socket it does not own fails, so it ends (and leaves) at its start.
            shard.Count(HttpServerCounter.ConnectionsRefusedSpawn);
            ctx.CloseNow(socket);
            return;
        }

        shard.Count(HttpServerCounter.ConnectionsAccepted);
    }
}
