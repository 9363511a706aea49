using System;
using System.Collections.Generic;
using Tina.Io;

namespace Tina.Http.Server;

/// <summary>
/// What an <see cref="HttpServer"/> keeps per shard: the cached Date, the call slots, the connection counts (per shard
/// and per client address), the pool of connection buffers, the handler isolates and the counters.
/// </summary>
/// <remarks>
/// Thread ownership: created by the shard's listener on the shard's thread, then touched only by isolates of that
/// shard (one invocation at a time), except <see cref="Counters"/> and <see cref="ListeningPort"/>, which other threads
/// read (tests, diagnostics): each is a single aligned 64-bit or 32-bit store by the shard and a volatile read by the
/// reader, so a reader sees some recent value, never a torn one.
/// </remarks>
internal sealed class HttpShard
{
    private readonly Dictionary<IoAddress, int> _perClient;
    private readonly Stack<HttpConnectionBuffers> _buffers = new();
    private readonly HttpServer _server;

    public HttpShard(HttpServer server, int handlerCount)
    {
        _server = server;
        HttpServerOptions options = server.Options;
        CallSlots = new HttpCallSlots(options.HandlerCallSlotsPerShard, options.MaxHandlerRequestBytes, options.MaxHandlerResponseBytes);
        _perClient = new Dictionary<IoAddress, int>(options.MaxConnectionsPerShard + 1);
        Handlers = new Handle[handlerCount];
        Admission = new HttpAdmission(options, handlerCount);
        _live = new HttpConnection?[options.MaxConnectionsPerShard]; // the listener admits no more than this
    }

    /// <summary>Load shedding's signals and decision for this shard.</summary>
    public HttpAdmission Admission { get; }

    public HttpDateCache Date { get; } = new();

    public HttpCallSlots CallSlots { get; }

    public Handle[] Handlers { get; }

    public long[] Counters { get; } = new long[(int)HttpServerCounter.Count];

    private int _connections;

    /// <summary>Open connections: written by the shard only; other threads (the drain's waiter, tests) read it volatile.</summary>
    public int Connections
    {
        get => System.Threading.Volatile.Read(ref _connections);
        private set => System.Threading.Volatile.Write(ref _connections, value);
    }

    private int _listeningPort;

    public int ListeningPort
    {
        get => System.Threading.Volatile.Read(ref _listeningPort);
        set => System.Threading.Volatile.Write(ref _listeningPort, value);
    }

    private bool _listenerClosed;
    private HttpConnection?[] _live;
    private int _liveCount;

    /// <summary>Set once by the shard's <see cref="HttpDrainGate"/>: every response from now on says <c>Connection: close</c>.</summary>
    public bool Draining { get; set; }

    /// <summary>The listener has closed its socket for a drain (written by the shard, read volatile by the drain's waiter).</summary>
    public bool ListenerClosed
    {
        get => System.Threading.Volatile.Read(ref _listenerClosed);
        set => System.Threading.Volatile.Write(ref _listenerClosed, value);
    }

    /// <summary>The live connections, for the drain to find the idle ones (entries 0..LiveCount-1).</summary>
    public ReadOnlySpan<HttpConnection?> Live => _live.AsSpan(0, _liveCount);

    /// <summary>A connection starts: its index in <see cref="Live"/> (the table is sized to the connection limit at boot; the growth below is only a guard).</summary>
    public int AddLive(HttpConnection connection)
    {
        if (_liveCount == _live.Length)
        {
            System.Array.Resize(ref _live, System.Math.Max(16, _live.Length * 2));
        }

        _live[_liveCount] = connection;
        return _liveCount++;
    }

    /// <summary>A connection ends: the last entry moves into its place (and is told its new index).</summary>
    public void RemoveLive(int index)
    {
        if ((uint)index >= (uint)_liveCount)
        {
            return;
        }

        HttpConnection? last = _live[--_liveCount];
        _live[_liveCount] = null;
        if (index < _liveCount && last is not null)
        {
            _live[index] = last;
            last.LiveIndex = index;
        }
    }

    public void Count(HttpServerCounter counter) => Counters[(int)counter]++;

    public int ConnectionsOf(IoAddress client) => _perClient.TryGetValue(client, out int n) ? n : 0;

    /// <summary>The listener admits a connection (it has checked both limits).</summary>
    public void Admit(bool hasPeer, IoAddress client)
    {
        Connections++;
        if (hasPeer)
        {
            _perClient[client] = ConnectionsOf(client) + 1;
        }
    }

    /// <summary>The connection has ended (called exactly once per admitted connection).</summary>
    public void Leave(bool hasPeer, IoAddress client)
    {
        Connections--;
        if (hasPeer)
        {
            int n = ConnectionsOf(client) - 1;
            if (n <= 0)
            {
                _perClient.Remove(client);
            }
            else
            {
                _perClient[client] = n;
            }
        }
    }

    /// <summary>A connection's buffers: reused from the pool, or built at a connection's first use (never per request).</summary>
    public HttpConnectionBuffers RentBuffers() => _buffers.Count > 0 ? _buffers.Pop() : new HttpConnectionBuffers(_server);

    public void ReturnBuffers(HttpConnectionBuffers buffers) => _buffers.Push(buffers);
}
