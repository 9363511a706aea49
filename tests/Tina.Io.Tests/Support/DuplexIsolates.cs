using System;
using System.Threading;

namespace Tina.Io.Tests.Support;

public struct PipelineStart
{
    public IoAddress Address;
    public int Port;
    public int Requests;        // client: requests to send in all
    public int Window;          // client: requests it may have unanswered at once
    public int ResponseBytes;   // bytes the server answers each request with
}

/// <summary>What the full-duplex isolates saw. Reset before each test.</summary>
internal static class DuplexProbe
{
    public static int ReceivesWhileSending;     // server: a receive completed while its send was still in flight
    public static int ResponseBytesBeforeLastRequest; // client: response bytes that arrived before its last request was sent
    public static int ClientResponsesVerified;
    public static int ServerRequests;

    public static void Reset()
    {
        ReceivesWhileSending = 0;
        ResponseBytesBeforeLastRequest = 0;
        ClientResponsesVerified = 0;
        ServerRequests = 0;
    }

    /// <summary>Byte <paramref name="offset"/> of the response to request <paramref name="request"/>.</summary>
    public static byte ResponseByte(int request, int offset) => (byte)((request * 31) + (offset * 7) + 1);
}

/// <summary>Listens and accepts; each connection gets its own <see cref="PipelineConnection"/>.</summary>
public sealed class PipelineServer : IIsolate
{
    private SocketHandle _listener;
    private int _responseBytes;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out PipelineStart start))
        {
            _responseBytes = start.ResponseBytes;
            return ctx.Listen(start.Address, 0);
        }

        if (message.Kind != MessageKind.IoCompleted || !message.Is(out IoCompletion done))
        {
            return message.Kind is MessageKind.Cancel or MessageKind.Shutdown ? Effect.Done : Effect.Receive;
        }

        if (!done.IsSuccess)
        {
            Probe.Outcome(in done);
            return done.Operation == IoOperation.Accept && done.Result.Kind is not (IoErrorKind.Cancelled or IoErrorKind.StaleConnection)
                ? ctx.Accept(_listener) : Effect.Done;
        }

        if (done.Operation == IoOperation.Listen)
        {
            _listener = done.Socket;
            Probe.ListenPort = ctx.LocalPort(_listener);
            return ctx.Accept(_listener);
        }

        SpawnResult child = ctx.Spawn<PipelineConnection, PipelineStart>(new PipelineStart { ResponseBytes = _responseBytes });
        if (!child.IsOk || !ctx.TransferSocket(done.Socket, child.Handle))
        {
            Probe.Error("spawn or transfer failed");
        }
        else if (ctx.Send(child.Handle, new Adopted { Socket = done.Socket }) != SendResult.Ok)
        {
            Probe.Error("could not tell the connection its socket");
        }

        return ctx.Accept(_listener);
    }
}

public struct Adopted
{
    public SocketHandle Socket;
}

/// <summary>
/// One isolate per connection, full duplex: a Receive is outstanding while responses are written, so requests that
/// arrive during a send are read at once. Each 4-byte request (its number, little-endian) is answered with
/// <c>ResponseBytes</c> patterned bytes, in order; at the peer's close it finishes the answers it owes, then closes.
/// </summary>
public sealed class PipelineConnection : IIsolate
{
    private readonly byte[] _response = new byte[64 * 1024];
    private SocketHandle _socket;
    private int _responseBytes;
    private int _partial;            // bytes of the current request received so far (0..3)
    private int _partialValue;
    private int[] _owed = new int[256];
    private int _owedHead;
    private int _owedCount;
    private bool _peerClosed;
    private bool _closing;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out PipelineStart start))
        {
            _responseBytes = start.ResponseBytes;
            return Effect.Receive;
        }

        if (message.Is(out Adopted adopted))
        {
            _socket = adopted.Socket;
            return ctx.Receive(_socket, 4096);
        }

        if (message.Kind != MessageKind.IoCompleted || !message.Is(out IoCompletion done))
        {
            return message.Kind is MessageKind.Cancel or MessageKind.Shutdown ? Effect.Done : Effect.Receive;
        }

        switch (done.Operation)
        {
            case IoOperation.Receive when done.IsSuccess && done.Result.Bytes > 0:
                if (!ctx.CanStart(IoOperation.Send))
                {
                    Interlocked.Increment(ref DuplexProbe.ReceivesWhileSending);
                }

                Parse(ctx.ReceivedData(in done));
                Effect receive = ctx.Receive(_socket, 4096); // the next request is read while this one is answered
                return _owedCount > 0 && ctx.CanStart(IoOperation.Send) ? SendNext(ref ctx) : receive;
            case IoOperation.Receive when done.IsSuccess:
                _peerClosed = true;
                return Continue(ref ctx);
            case IoOperation.Send when done.IsSuccess:
                return Continue(ref ctx);
            case IoOperation.Close:
                Probe.Increment(ref Probe.ServerConnectionsClosed);
                return Effect.Done;
            default:
                if (done.Result.Kind != IoErrorKind.Cancelled || !_closing)
                {
                    Probe.Outcome(in done);
                    Probe.Error($"server connection: {done}");
                }

                return Close(ref ctx);
        }
    }

    private Effect Continue(ref Context ctx)
    {
        if (_owedCount > 0 && ctx.CanStart(IoOperation.Send))
        {
            return SendNext(ref ctx);
        }

        if (_peerClosed && _owedCount == 0 && ctx.CanStart(IoOperation.Send))
        {
            return Close(ref ctx);
        }

        return ctx.WaitForIo();
    }

    private Effect Close(ref Context ctx)
    {
        if (_closing)
        {
            return ctx.WaitForIo();
        }

        _closing = true;
        return ctx.Close(_socket);
    }

    /// <summary>Starts the next owed response (the write lane is free).</summary>
    private Effect SendNext(ref Context ctx)
    {
        int request = _owed[_owedHead];
        _owedHead = (_owedHead + 1) % _owed.Length;
        _owedCount--;
        for (int i = 0; i < _responseBytes; i++)
        {
            _response[i] = DuplexProbe.ResponseByte(request, i);
        }

        return ctx.Send(_socket, _response.AsSpan(0, _responseBytes));
    }

    private void Parse(ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            _partialValue |= b << (8 * _partial);
            if (++_partial == 4)
            {
                if (_owedCount == _owed.Length)
                {
                    Probe.Error("more requests owed than the client's window allows");
                }
                else
                {
                    _owed[(_owedHead + _owedCount) % _owed.Length] = _partialValue;
                    _owedCount++;
                    Interlocked.Increment(ref DuplexProbe.ServerRequests);
                }

                _partial = 0;
                _partialValue = 0;
            }
        }
    }
}

/// <summary>
/// Connects and pipelines <c>Requests</c> 4-byte requests with at most <c>Window</c> unanswered, one isolate with a
/// Receive outstanding the whole time; checks every response byte; closes when all are answered.
/// </summary>
public sealed class PipelineClient : IIsolate
{
    private readonly byte[] _request = new byte[4];
    private PipelineStart _start;
    private SocketHandle _socket;
    private int _sent;               // requests whose send completed
    private bool _sending;
    private int _answered;           // responses fully received
    private int _offset;             // bytes of the current response received
    private bool _closing;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out _start))
        {
            return ctx.Connect(_start.Address, _start.Port, TimeSpan.FromSeconds(10));
        }

        if (message.Kind != MessageKind.IoCompleted || !message.Is(out IoCompletion done))
        {
            return Effect.Receive;
        }

        if (!done.IsSuccess && done.Operation != IoOperation.Close)
        {
            if (_closing && done.Result.Kind == IoErrorKind.Cancelled)
            {
                return ctx.WaitForIo(); // our own close cancelled the receive; the close's completion comes next
            }

            Probe.Outcome(in done);
            Probe.Error($"pipeline client: {done}");
            return Close(ref ctx);
        }

        switch (done.Operation)
        {
            case IoOperation.Connect:
                _socket = done.Socket;
                ctx.Receive(_socket, 64 * 1024);
                return SendNext(ref ctx);
            case IoOperation.Send:
                _sending = false;
                _sent++;
                return SendNext(ref ctx);
            case IoOperation.Receive:
                ReadOnlySpan<byte> data = ctx.ReceivedData(in done);
                if (data.Length == 0)
                {
                    Probe.Error($"pipeline client: the server closed after {_answered} responses");
                    return Close(ref ctx);
                }

                if (_sent < _start.Requests)
                {
                    Interlocked.Add(ref DuplexProbe.ResponseBytesBeforeLastRequest, data.Length);
                }

                foreach (byte b in data)
                {
                    if (_answered >= _start.Requests || b != DuplexProbe.ResponseByte(_answered, _offset))
                    {
                        Probe.Error($"pipeline client: wrong byte in response {_answered} at {_offset}");
                        return Close(ref ctx);
                    }

                    if (++_offset == _start.ResponseBytes)
                    {
                        _offset = 0;
                        _answered++;
                        Interlocked.Increment(ref DuplexProbe.ClientResponsesVerified);
                    }
                }

                if (_answered == _start.Requests)
                {
                    return Close(ref ctx);
                }

                ctx.Receive(_socket, 64 * 1024);
                return SendNext(ref ctx);
            case IoOperation.Close:
                Probe.Increment(ref Probe.ClientsDone);
                return Effect.Done;
            default:
                return Effect.Receive;
        }
    }

    /// <summary>Sends the next request when the window allows and no send is in flight; else waits.</summary>
    private Effect SendNext(ref Context ctx)
    {
        int unanswered = _sent - _answered;
        if (!_sending && _sent < _start.Requests && unanswered < _start.Window)
        {
            BitConverter.TryWriteBytes(_request, _sent);
            _sending = true;
            return ctx.Send(_socket, _request);
        }

        return ctx.WaitForIo();
    }

    private Effect Close(ref Context ctx)
    {
        if (_closing)
        {
            return ctx.WaitForIo();
        }

        _closing = true;
        return ctx.Close(_socket);
    }
}

/// <summary>Listens, then tries two accepts at once (the second is refused: one per lane) and a bare wait with nothing outstanding.</summary>
public sealed class LaneRuleProbe : IIsolate
{
    public static int SecondOnLaneRefused;
    public static int WaitOnNothingRefused;
    public static bool CouldStartAcceptWhileAccepting;
    public static IoCompletion Last;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start)
        {
            try
            {
                ctx.WaitForIo();
            }
            catch (InvalidOperationException)
            {
                WaitOnNothingRefused++;
            }

            return ctx.Listen(IoAddress.Loopback, 0);
        }

        if (!message.Is(out IoCompletion done))
        {
            return Effect.Receive;
        }

        Last = done;
        if (done.Operation != IoOperation.Listen)
        {
            return ctx.Close(done.Socket.IsNone ? default : done.Socket);
        }

        Effect accept = ctx.Accept(done.Socket, TimeSpan.FromMilliseconds(5));
        CouldStartAcceptWhileAccepting = ctx.CanStart(IoOperation.Accept);
        try
        {
            ctx.Receive(done.Socket, 16); // the read lane holds the Accept
        }
        catch (InvalidOperationException)
        {
            SecondOnLaneRefused++;
        }

        return accept;
    }
}

public readonly record struct Kill;

/// <summary>Spawns a <see cref="DuplexVictim"/> and cancels it when told (<see cref="Kill"/>).</summary>
public sealed class VictimParent : IIsolate
{
    private Handle _child;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out PipelineStart start))
        {
            SpawnResult child = ctx.Spawn<DuplexVictim, PipelineStart>(start);
            _child = child.Handle;
            return Effect.Receive;
        }

        if (message.Is<Kill>())
        {
            ctx.Cancel(_child);
        }

        return Effect.Receive;
    }
}

/// <summary>Connects, then keeps a receive and a 64 KiB send outstanding (the peer reads nothing) until cancelled.</summary>
public sealed class DuplexVictim : IIsolate
{
    public static int CancelledCompletions;
    public static int Connected;
    public static int CancelNotices;
    public static int Exited;
    private readonly byte[] _payload = new byte[64 * 1024];
    private SocketHandle _socket;
    private bool _receiving;
    private bool _sending;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out PipelineStart start))
        {
            return ctx.Connect(start.Address, start.Port, TimeSpan.FromSeconds(10));
        }

        if (message.Kind == MessageKind.Cancel)
        {
            // The notice comes before the Cancelled completion the cancel already put in the reply slot: stay to
            // see it (and the held one after it), within the cancel's drain budget.
            CancelNotices++;
            if (_receiving || _sending)
            {
                return Effect.Receive;
            }

            Exited++;
            return Effect.Done;
        }

        if (!message.Is(out IoCompletion done))
        {
            return Effect.Receive;
        }

        if (done.Result.Kind == IoErrorKind.Cancelled)
        {
            CancelledCompletions++;
            if (done.Operation == IoOperation.Receive)
            {
                _receiving = false;
            }
            else if (done.Operation == IoOperation.Send)
            {
                _sending = false;
            }

            if (_receiving || _sending)
            {
                return ctx.WaitForIo(); // the other one's Cancelled is held until we wait
            }

            Exited++;
            return Effect.Done;
        }

        switch (done.Operation)
        {
            case IoOperation.Connect when done.IsSuccess:
                _socket = done.Socket;
                Connected++;
                _receiving = _sending = true;
                ctx.Receive(_socket, 4096, System.Threading.Timeout.InfiniteTimeSpan);
                return ctx.Send(_socket, _payload, System.Threading.Timeout.InfiniteTimeSpan);
            case IoOperation.Send when done.IsSuccess:
                return ctx.Send(_socket, _payload, System.Threading.Timeout.InfiniteTimeSpan);
            default:
                Probe.Error($"victim: {done}");
                return Effect.Done;
        }
    }
}
