using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Threading;
using Tina.Http.Server.Proxy;
using Tina.Io;

namespace Tina.Http.Server;

/// <summary>
/// An HTTP/1.1 server on Tina.Io: a listener isolate per shard (SO_REUSEPORT) and a connection isolate per accepted
/// socket, with routes answered inline (static, preencoded responses) or by handler isolates through Call/Reply.
/// <code>
/// var server = new HttpServer(new HttpServerOptions { Port = 8080 })
///     .MapStatic("GET", "/health", 200, "text/plain", "ok"u8)
///     .MapHandler&lt;EchoHandler&gt;("POST", "/echo");
/// var spec = new TinaSpec();
/// spec.UseIo(new IoOptions());
/// server.Configure(spec);              // validates the options, freezes the routes, adds the isolate types
/// using var runtime = TinaRuntime.Create(spec);
/// server.Start(runtime);               // a listener on every shard
/// runtime.Start();
/// </code>
/// </summary>
/// <remarks>
/// Routes are exact: method and path (the target up to '?'); HEAD matches a GET route (head only). An unknown path is
/// 404, a known path with another method 405 with <c>Allow</c>. Everything the server keeps per shard is created by
/// that shard's listener on the shard's thread and touched only there (see <see cref="HttpShard"/>).
/// </remarks>
public sealed partial class HttpServer : IDisposable
{
    private readonly List<HttpRoute> _routeList = [];
    private readonly List<Action<TinaSpec, int>> _registrars = [];
    private readonly List<Type> _handlerTypes = [];
    private readonly List<HandlerSpawner> _spawners = [];
    private HttpRoute[] _routes = [];
    private HttpShard?[] _shards = [];
    private bool _frozen;
    private int _id = -1;
    private HttpGateRef?[] _gates = [];
    private int _drainShards; // 0 until a drain begins; then the shards it was sent to

    /// <summary>Creates a server with a copy of <paramref name="options"/> (validated at <see cref="Configure"/>).</summary>
    public HttpServer(HttpServerOptions? options = null)
    {
        Options = (options ?? new HttpServerOptions()).Clone();
    }

    /// <summary>Spawns one handler isolate of a mapped type on the caller's shard.</summary>
    internal delegate SpawnResult HandlerSpawner(ref Context ctx);

    /// <summary>The frozen options.</summary>
    public HttpServerOptions Options { get; }

    internal int Id => _id;

    internal ReadOnlySpan<HttpRoute> Routes => _routes;

    internal int HandlerCount => _spawners.Count;

    /// <summary>"Retry-After: N\r\n" of a shed request's 503, encoded at freeze.</summary>
    internal byte[] RetryAfterLine { get; private set; } = [];

    /// <summary><see cref="HttpServerOptions.PriorityHeader"/> in lower case, or empty (off), encoded at freeze.</summary>
    internal byte[] PriorityHeaderName { get; private set; } = [];

    /// <summary>Capacity of a connection's output buffer: the pending mark plus the largest single response.</summary>
    internal int OutputCapacity { get; private set; }

    /// <summary>Maps a static route: the response (status, Content-Type, body) is encoded once, here.</summary>
    public HttpServer MapStatic(string method, string path, int status, string contentType, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(contentType);
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 200);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        CheckMutable();
        if (contentType.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("A content type may not hold CR or LF.", nameof(contentType));
        }

        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {Encoding.ASCII.GetString(HttpStatus.Reason(status))}\r\n");
        if (contentType.Length > 0)
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Type: {contentType}\r\n");
        }

        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n");
        _routeList.Add(new HttpRoute(Token(method, nameof(method)), PathBytes(path), Encoding.ASCII.GetBytes(head.ToString()), body.ToArray(), handler: -1));
        return this;
    }

    /// <summary>
    /// Maps a route served by a handler isolate of type <typeparamref name="THandler"/> (one per shard, spawned by the
    /// listener, respawned by a connection that finds it gone). The handler gets the request through
    /// <see cref="HttpHandler.Read"/>, bounded by <see cref="HttpServerOptions.MaxHandlerRequestBytes"/>. Under overload
    /// its requests are shed by <paramref name="priority"/> (lower classes first; see <see cref="HttpPriority"/>).
    /// </summary>
    public HttpServer MapHandler<THandler>(string method, string path, HttpPriority priority = HttpPriority.Normal)
        where THandler : class, IIsolate, new() => MapHandlerRoute<THandler>(method, path, priority, streaming: false);

    /// <summary>
    /// Maps a route served piece by piece by a handler isolate of type <typeparamref name="THandler"/> (see
    /// <see cref="HttpStreamingHandler"/>): the handler gets the head, then the body in pieces of at most
    /// <see cref="HttpServerOptions.MaxHandlerRequestBytes"/>, one call at a time (the connection stops reading its
    /// socket while a call is out), and answers with a head and body pieces of at most
    /// <see cref="HttpServerOptions.MaxHandlerResponseBytes"/> each, written to the client as they come. Bodies of any
    /// length (up to <see cref="Parsing.HttpParserOptions.MaxBodyBytes"/>) stream through one call slot. Shed like
    /// <see cref="MapHandler{THandler}"/> at the head.
    /// </summary>
    public HttpServer MapStreamingHandler<THandler>(string method, string path, HttpPriority priority = HttpPriority.Normal)
        where THandler : class, IIsolate, new() => MapHandlerRoute<THandler>(method, path, priority, streaming: true);

    private HttpServer MapHandlerRoute<THandler>(string method, string path, HttpPriority priority, bool streaming)
        where THandler : class, IIsolate, new()
    {
        CheckMutable();
        int index = _handlerTypes.IndexOf(typeof(THandler));
        if (index < 0)
        {
            index = _handlerTypes.Count;
            _handlerTypes.Add(typeof(THandler));
            _spawners.Add(static (ref Context ctx) => ctx.Spawn<THandler>());
            _registrars.Add(static (spec, mailbox) => spec.AddIsolate<THandler>(slots: 2, mailboxCapacity: mailbox));
        }

        if (priority is < HttpPriority.Low or > HttpPriority.High)
        {
            throw new ArgumentOutOfRangeException(nameof(priority), priority, "Low, Normal or High.");
        }

        _routeList.Add(new HttpRoute(Token(method, nameof(method)), PathBytes(path), null, null, index) { Priority = priority, IsStreaming = streaming });
        return this;
    }

    /// <summary>
    /// Validates the options (a bad field throws <see cref="TinaConfigurationException"/> naming it), freezes the
    /// routes and adds the server's isolate types to <paramref name="spec"/>: the listener, the connection (one slot
    /// per <see cref="HttpServerOptions.MaxConnectionsPerShard"/>) and each handler type. The spec must use Tina.Io.
    /// </summary>
    public void Configure(TinaSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        CheckMutable();
        Options.Validate();
        Freeze();
        spec.AddIsolate(() => new HttpDrainGate(this), slots: 1, mailboxCapacity: 8);
        spec.AddIsolate(() => new HttpListener(this), slots: 2, mailboxCapacity: 8);
        spec.AddIsolate(() => new HttpConnection(this), slots: Options.MaxConnectionsPerShard, mailboxCapacity: 8, budgetWeight: Options.ConnectionBudgetWeight);
        ConfigureProxies(spec); // proxy hook (Proxy/HttpServer.Proxy.cs)
        foreach (Action<TinaSpec, int> register in _registrars)
        {
            register(spec, Options.HandlerMailboxCapacity); // two slots: the live one and a respawn while the old one exits
        }

        _shards = new HttpShard?[TinaSpec.ShardCountMax];
        _gates = new HttpGateRef?[TinaSpec.ShardCountMax];
        _id = HttpServerRegistry.Register(this);
    }

    /// <summary>
    /// Spawns the listener on every shard of <paramref name="runtime"/> (before or after its Start), each under a
    /// drain gate (the isolate <see cref="BeginDrain"/> reaches).
    /// </summary>
    /// <exception cref="InvalidOperationException">Not configured, or a listener could not be spawned.</exception>
    public void Start(TinaRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        if (_id < 0)
        {
            throw new InvalidOperationException("Configure the server into the spec before starting it.");
        }

        for (int shard = 0; shard < runtime.ShardCount; shard++)
        {
            SpawnResult spawned = runtime.Spawn<HttpDrainGate, HttpListenerStart>(shard, new HttpListenerStart(shard));
            if (!spawned.IsOk)
            {
                throw new InvalidOperationException($"The HTTP listener could not be spawned on shard {shard}: {spawned.Status}.");
            }
        }
    }

    /// <summary>
    /// Begins a graceful drain on every shard: the listeners close their sockets (a new connect is refused), idle
    /// connections (kept alive between requests, or accepted with nothing sent yet) close at once, and a connection
    /// with a request in flight finishes it, its response says <c>Connection: close</c>, then it closes. Delivered to
    /// each shard of <paramref name="runtime"/> as a message (to its drain gate, through
    /// <see cref="TinaRuntime.Send{T}"/>), so it returns at once; watch <see cref="IsDrained"/> or call
    /// <see cref="WaitForDrain"/>. False when some shard could not be told (its gate has not started, or the runtime is
    /// stopping); calling it again is harmless.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server was not configured.</exception>
    public bool BeginDrain(TinaRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        if (_id < 0)
        {
            throw new InvalidOperationException("Configure and start the server before draining it.");
        }

        bool all = true;
        int shards = Math.Min(runtime.ShardCount, _gates.Length);
        for (int shard = 0; shard < shards; shard++)
        {
            HttpGateRef? gate = Volatile.Read(ref _gates[shard]);
            all &= gate is not null && runtime.Send(gate.Handle, new HttpDrainRequest(_id)) == SendResult.Ok;
        }

        Volatile.Write(ref _drainShards, shards);
        return all;
    }

    /// <summary>A shard's drain gate has started: it is the isolate <see cref="BeginDrain"/> tells (published for outside threads).</summary>
    internal void GateStarted(int shard, Handle gate) => Volatile.Write(ref _gates[shard], new HttpGateRef(gate));

    /// <summary>True once a drain has begun, every listener has closed and no connection is open on any shard.</summary>
    public bool IsDrained
    {
        get
        {
            int shards = Volatile.Read(ref _drainShards);
            if (shards == 0)
            {
                return false;
            }

            for (int shard = 0; shard < shards; shard++)
            {
                if (ShardOrNull(shard) is HttpShard s && (!s.ListenerClosed || s.Connections > 0))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Waits (polling every millisecond, from outside the shards) until <see cref="IsDrained"/>; false on timeout.</summary>
    public bool WaitForDrain(TimeSpan timeout)
    {
#pragma warning disable RS0030 // an outside caller's bounded wait (never a shard thread: the shards do the draining it waits for)
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (!IsDrained)
        {
            if (Environment.TickCount64 > deadline)
            {
                return false;
            }

            Thread.Sleep(1);
        }

        return true;
#pragma warning restore RS0030
    }

    /// <summary>The port shard <paramref name="shard"/> listens on, or 0 while it is not listening yet.</summary>
    public int ListeningPort(int shard) => ShardOrNull(shard) is HttpShard s ? s.ListeningPort : 0;

    /// <summary>Waits (polling every millisecond) until every one of <paramref name="shards"/> listens; false on timeout.</summary>
    public bool WaitUntilListening(int shards, TimeSpan timeout)
    {
#pragma warning disable RS0030 // an outside caller's bounded wait (never a shard thread: the shards do the listening it waits for)
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            bool all = true;
            for (int i = 0; i < shards; i++)
            {
                all &= ListeningPort(i) > 0;
            }

            if (all)
            {
                return true;
            }

            if (Environment.TickCount64 > deadline)
            {
                return false;
            }

            Thread.Sleep(1);
        }
#pragma warning restore RS0030
    }

    /// <summary>Connections open on shard <paramref name="shard"/> (a volatile read of a count the shard keeps; 0 before it starts).</summary>
    public int OpenConnections(int shard) => ShardOrNull(shard) is HttpShard s ? s.Connections : 0;

    /// <summary>Call slots held on shard <paramref name="shard"/> by handler requests (plain or streaming) in progress (a volatile read).</summary>
    public int CallSlotsInUse(int shard) => ShardOrNull(shard) is HttpShard s ? s.CallSlots.PublishedInUse : 0;

    /// <summary>A per-shard counter (a volatile read of a value the shard writes; exact once the shard is quiet).</summary>
    public long Counter(int shard, HttpServerCounter counter) =>
        ShardOrNull(shard) is HttpShard s ? Volatile.Read(ref s.Counters[(int)counter]) : 0;

    /// <summary>Forgets the server's registration (handlers of a disposed server read empty requests).</summary>
    public void Dispose()
    {
        if (_id >= 0)
        {
            HttpServerRegistry.Unregister(_id);
        }
    }

    internal HttpShard? ShardOrNull(int shard) => (uint)shard < (uint)_shards.Length ? Volatile.Read(ref _shards[shard]) : null;

    /// <summary>The shard's state, created on first use by that shard's thread (its listener's start).</summary>
    internal HttpShard ShardFor(int shard)
    {
        HttpShard? state = ShardOrNull(shard);
        if (state is null)
        {
            state = new HttpShard(this, _spawners.Count);
            Volatile.Write(ref _shards[shard], state); // published for the readers of counters and ports
        }

        return state;
    }

    /// <summary>A gate's handle, immutable once published (a struct cannot be written atomically for other threads).</summary>
    private sealed record HttpGateRef(Handle Handle);

    internal SpawnResult SpawnHandler(ref Context ctx, int handler) => _spawners[handler](ref ctx);

    /// <summary>The route for (method, path): its index, or -1 (no route on the path: 404), or -2 - i (path of route i, other method: 405).</summary>
    internal int Match(ReadOnlySpan<byte> method, ReadOnlySpan<byte> path)
    {
        bool head = method.SequenceEqual("HEAD"u8);
        int getRoute = -1;      // for HEAD: the path's GET route
        int otherMethod = -1;   // a route on the path with another method (405)
        HttpRoute[] routes = _routes;
        for (int i = 0; i < routes.Length; i++)
        {
            HttpRoute route = routes[i];
            if (!path.SequenceEqual(route.Path))
            {
                continue;
            }

            if (method.SequenceEqual(route.Method))
            {
                return i;
            }

            if (head && getRoute < 0 && route.Method.AsSpan().SequenceEqual("GET"u8))
            {
                getRoute = i;
            }
            else if (otherMethod < 0)
            {
                otherMethod = i;
            }
        }

        return getRoute >= 0 ? getRoute : otherMethod >= 0 ? -2 - otherMethod : -1;
    }

    private void Freeze()
    {
        if (_frozen)
        {
            return;
        }

        _frozen = true;
        _routes = [.. _routeList];
        int largestStatic = 0;
        foreach (HttpRoute route in _routes)
        {
            var allow = new StringBuilder("Allow: ");
            bool first = true;
            foreach (HttpRoute other in _routes)
            {
                if (other.Path.AsSpan().SequenceEqual(route.Path))
                {
                    allow.Append(first ? string.Empty : ", ").Append(Encoding.ASCII.GetString(other.Method));
                    first = false;
                }
            }

            route.AllowLine = Encoding.ASCII.GetBytes(allow.Append("\r\n").ToString());
            if (route.IsStatic)
            {
                largestStatic = Math.Max(largestStatic, route.StaticHead!.Length + route.StaticBody!.Length + route.AllowLine.Length);
            }
        }

        RetryAfterLine = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"Retry-After: {Options.ShedRetryAfterSeconds}\r\n"));
        PriorityHeaderName = Options.PriorityHeader is string header ? Encoding.ASCII.GetBytes(header.ToLowerInvariant()) : [];
        int largest = Math.Max(largestStatic, Options.MaxHandlerResponseBytes) + 512; // + status line, Date, Connection, Content-Length
        OutputCapacity = Options.MaxPendingResponseBytes + Math.Max(largest, LargestProxyStep); // proxy hook
    }

    private void CheckMutable()
    {
        if (_frozen)
        {
            throw new InvalidOperationException("The server is configured: routes are frozen.");
        }
    }

    private static byte[] Token(string method, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(method, name);
        foreach (char c in method)
        {
            if (c <= ' ' || c >= 0x7F || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{method}' is not a method token.", name);
            }
        }

        return Encoding.ASCII.GetBytes(method);
    }

    private static byte[] PathBytes(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path[0] != '/' || path.Contains('?', StringComparison.Ordinal) || path.AsSpan().IndexOfAnyInRange((char)0, ' ') >= 0 || path.AsSpan().IndexOfAnyExceptInRange((char)0, (char)0x7E) >= 0)
        {
            throw new ArgumentException($"'{path}' is not an exact path (starts with '/', no query, visible ASCII).", nameof(path));
        }

        return Encoding.ASCII.GetBytes(path);
    }
}
