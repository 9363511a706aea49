using System;
using System.Globalization;
using Tina.Io;

namespace Tina.Simulation.Workloads;

/// <summary>Start of a shard's echo listener.</summary>
internal readonly record struct EchoListenerStart(int Port, ulong Seed);

/// <summary>Start of an echo session: the accepted socket (already owned by the session) and a seed.</summary>
internal readonly record struct EchoSessionStart(SocketHandle Socket, ulong Seed);

/// <summary>Start of an echo client.</summary>
internal readonly record struct EchoClientStart(int Port, ulong Seed, int Exchanges, int MaxPayload);

/// <summary>
/// One per shard: listens on the echo port (SO_REUSEPORT: every shard listens, the network picks one per
/// connection) and accepts forever, handing each connection to a new session on this shard. A failed listen is
/// retried after a back-off; a failed accept is retried at once; a connection no session can take (spawn refused) is
/// closed.
/// </summary>
internal sealed class EchoListener<TSession> : IIsolate
    where TSession : EchoSession, new()
{
    private const long RetryTag = 1;

    private SocketHandle _listener;
    private int _port;
    private ulong _random;

    /// <summary>Connections accepted, and those closed because no session could take them.</summary>
    public int Accepted { get; private set; }

    /// <inheritdoc cref="Accepted"/>
    public int Refused { get; private set; }

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out EchoListenerStart start))
        {
            _port = start.Port;
            _random = start.Seed | 1;
            return ctx.Listen(IoAddress.Any, _port, backlog: 64);
        }

        if (message.Kind == MessageKind.Timer && message.TimerTag == RetryTag)
        {
            return ctx.Listen(IoAddress.Any, _port, backlog: 64);
        }

        if (!message.Is(out IoCompletion done))
        {
            return Effect.Receive;
        }

        switch (done.Operation)
        {
            case IoOperation.Listen when done.IsSuccess:
                _listener = done.Socket;
                return ctx.Accept(_listener);
            case IoOperation.Listen:
                if (ctx.RegisterTimer(TimeSpan.FromMilliseconds(2), RetryTag).IsNone)
                {
                    throw new InvalidOperationException("timer table full: sized too small for the workload");
                }

                return Effect.Receive;
            case IoOperation.Accept when done.IsSuccess:
                Accepted++;
                SpawnResult session = ctx.Spawn<TSession, EchoSessionStart>(new EchoSessionStart(done.Socket, XorShift64.Next(ref _random)));
                if (session.IsOk && ctx.TransferSocket(done.Socket, session.Handle))
                {
                    return ctx.Accept(_listener);
                }

                Refused++;
                return ctx.Close(done.Socket);   // then accept again
            default:
                return ctx.Accept(_listener);    // a failed accept, or the close of a refused connection
        }
    }
}

/// <summary>
/// One per connection: receive, send the same bytes back, repeat; close at the end of the stream or on any error.
/// </summary>
internal class EchoSession : IIsolate
{
    private const int ReceiveBytes = 4096;

    private SocketHandle _socket;
    private int _chunks;

    /// <summary>The session's seed (from its listener).</summary>
    protected ulong Seed { get; private set; }

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out EchoSessionStart start))
        {
            _socket = start.Socket;
            Seed = start.Seed;
            return ctx.Receive(_socket, ReceiveBytes);
        }

        if (!message.Is(out IoCompletion done))
        {
            return Effect.Receive;
        }

        switch (done.Operation)
        {
            case IoOperation.Receive when done.IsSuccess && done.Result.Bytes > 0:
                ReadOnlySpan<byte> data = ctx.ReceivedData(in done);
                int skip = Skip(_chunks++, data.Length);
                return ctx.Send(_socket, data[skip..]);
            case IoOperation.Send when done.IsSuccess:
                return ctx.Receive(_socket, ReceiveBytes);
            case IoOperation.Close:
                return Effect.Done;
            default:
                return ctx.Close(_socket);       // end of stream (0 bytes) or an error
        }
    }

    /// <summary>Leading bytes of the chunk not to echo: none (a planted bug overrides this).</summary>
    protected virtual int Skip(int chunk, int length) => 0;
}

/// <summary>
/// Runs <see cref="EchoClientStart.Exchanges"/> exchanges one after another, each on a new connection: connect, send
/// a payload of seeded random length (up to <see cref="EchoClientStart.MaxPayload"/>, in sends of at most a buffer)
/// with a counter pattern, read the echo back, verify every byte, close. Any failure (a typed IoResult error, a
/// timeout, the stream ending early) closes the connection and retries the exchange from scratch after a 1–4 ms
/// back-off. Stays alive when finished so the checkers can read its tally.
/// </summary>
internal sealed class EchoClient : IIsolate
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromMilliseconds(20);
    public static readonly TimeSpan IoTimeout = TimeSpan.FromMilliseconds(40);
    private const long BackoffTag = 1;
    private const int ReceiveBytes = 4096;

    private byte[] _payload = Array.Empty<byte>();
    private int _port;
    private ulong _random;
    private SocketHandle _socket;
    private int _length;
    private int _sent;
    private int _received;
    private bool _exchangeDone;
    private bool _inAttempt;

    public int Exchanges { get; private set; }

    public int Completed { get; private set; }

    public int Attempts { get; private set; }

    public int FailedAttempts { get; private set; }

    /// <summary>Echoes that differed from what was sent (must stay 0), and the first one described.</summary>
    public int Corruptions { get; private set; }

    /// <inheritdoc cref="Corruptions"/>
    public string? FirstCorruption { get; private set; }

    /// <summary>Payload bytes of completed exchanges (each sent once and echoed once on its connection).</summary>
    public long BytesVerified { get; private set; }

    /// <summary>[IoErrorKind] typed failures seen.</summary>
    public int[] FailuresByKind { get; } = new int[16];

    /// <summary>OS errors seen: connection resets, injected EIO, refused connects (no listener yet or a full backlog).</summary>
    public int Resets { get; private set; }

    /// <inheritdoc cref="Resets"/>
    public int IoErrors { get; private set; }

    /// <inheritdoc cref="Resets"/>
    public int Refusals { get; private set; }

    /// <summary>Streams that ended before the whole echo came back (the session died or closed).</summary>
    public int EarlyEnds { get; private set; }

    public bool Finished { get; private set; }

    /// <summary>True while an attempt is under way (counted in <see cref="Attempts"/>, not yet ended).</summary>
    public bool InAttempt => _inAttempt;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out EchoClientStart start))
        {
            _port = start.Port;
            _random = start.Seed | 1;
            Exchanges = start.Exchanges;
            _payload = new byte[start.MaxPayload];
            return Begin(ref ctx);
        }

        if (message.Kind == MessageKind.Timer && message.TimerTag == BackoffTag)
        {
            return Begin(ref ctx);
        }

        if (!message.Is(out IoCompletion done))
        {
            return Effect.Receive;
        }

        if (done.Operation == IoOperation.Close)
        {
            _socket = SocketHandle.None;
            if (!_exchangeDone)
            {
                return Backoff(ref ctx);
            }

            _exchangeDone = false;
            if (Completed == Exchanges)
            {
                Finished = true;
                return Effect.Receive;
            }

            return Begin(ref ctx);
        }

        if (!done.IsSuccess)
        {
            IoResult result = done.Result;
            FailuresByKind[(int)result.Kind]++;
            if (result.Kind == IoErrorKind.Os)
            {
                switch (result.OsError)
                {
                    case 104: Resets++; break;        // ECONNRESET
                    case 5: IoErrors++; break;         // EIO (injected)
                    case 111: Refusals++; break;       // ECONNREFUSED
                    default: break;
                }
            }

            return Fail(ref ctx);
        }

        switch (done.Operation)
        {
            case IoOperation.Connect:
                _socket = done.Socket;
                return SendChunk(ref ctx);
            case IoOperation.Send:
                _sent += done.Result.Bytes;
                return _sent < _length ? SendChunk(ref ctx) : ctx.Receive(_socket, ReceiveBytes, IoTimeout);
            case IoOperation.Receive:
                return OnEcho(ref ctx, ctx.ReceivedData(in done));
            default:
                return Effect.Receive;
        }
    }

    private Effect OnEcho(ref Context ctx, ReadOnlySpan<byte> data)
    {
        if (data.Length == 0)
        {
            EarlyEnds++;
            return Fail(ref ctx);
        }

        ReadOnlySpan<byte> expected = _payload.AsSpan(_received, Math.Min(data.Length, _length - _received));
        int same = expected.CommonPrefixLength(data);
        if (same != data.Length)
        {
            Corruptions++;
            FirstCorruption ??= same < expected.Length
                ? string.Create(CultureInfo.InvariantCulture, $"exchange {Completed} attempt {Attempts}: echo byte {_received + same} of {_length} is 0x{data[same]:x2}, sent 0x{expected[same]:x2}")
                : string.Create(CultureInfo.InvariantCulture, $"exchange {Completed} attempt {Attempts}: {_received + data.Length} bytes echoed, {_length} sent");
            return Fail(ref ctx);
        }

        _received += data.Length;
        if (_received < _length)
        {
            return ctx.Receive(_socket, ReceiveBytes, IoTimeout);
        }

        Completed++;
        BytesVerified += _length;
        _exchangeDone = true;
        _inAttempt = false;
        return ctx.Close(_socket);
    }

    /// <summary>A new attempt at the current exchange: a fresh payload on a fresh connection.</summary>
    private Effect Begin(ref Context ctx)
    {
        Attempts++;
        _inAttempt = true;
        _length = 1 + (int)(Next() % (ulong)_payload.Length);
        byte first = (byte)Next();
        for (int i = 0; i < _length; i++)
        {
            _payload[i] = (byte)(first + i + (i >> 8));   // neighbours always differ: a lost byte shows at once
        }

        _sent = 0;
        _received = 0;
        return ctx.Connect(IoAddress.Loopback, _port, ConnectTimeout);
    }

    private Effect SendChunk(ref Context ctx)
    {
        int chunk = Math.Min(_length - _sent, ctx.MaxSendBytes());
        return ctx.Send(_socket, _payload.AsSpan(_sent, chunk), IoTimeout);
    }

    private Effect Fail(ref Context ctx)
    {
        FailedAttempts++;
        _inAttempt = false;
        return _socket.IsNone ? Backoff(ref ctx) : ctx.Close(_socket);
    }

    private Effect Backoff(ref Context ctx)
    {
        if (ctx.RegisterTimer(TimeSpan.FromMilliseconds(1 + (long)(Next() % 4)), BackoffTag).IsNone)
        {
            throw new InvalidOperationException("timer table full: sized too small for the workload");
        }

        return Effect.Receive;
    }

    private ulong Next() => XorShift64.Next(ref _random);
}
