using System;

namespace Tina.Io.Tests.Support;

public struct ServerStart
{
    public IoAddress Address;
    public int Port;
    public int ReceiveBytes;          // receive size of each connection (default 16 KiB)
    public int MessageBytes;          // 0: echo each receive at once; else collect this many bytes, then echo them in one send
    public bool HandOffToShard1;      // detach accepted sockets and send them to Probe.Adopter
}

public struct ConnectionStart
{
    public SocketHandle Socket;
    public int ReceiveBytes;
    public int MessageBytes;
}

public struct ClientStart
{
    public IoAddress Address;
    public int Port;
    public int Messages;
    public int Size;
    public int Seed;
}

public struct CycleStart
{
    public IoAddress Address;
    public int Port;
    public int Cycles;
}

public struct Adopt
{
    public DetachedSocket Socket;
}

/// <summary>Listens, then accepts forever; each connection gets its own <see cref="EchoConnection"/>.</summary>
public sealed class EchoServer : IIsolate
{
    private SocketHandle _listener;
    private int _receiveBytes;
    private int _messageBytes;
    private bool _handOff;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out ServerStart start))
        {
            _receiveBytes = start.ReceiveBytes > 0 ? start.ReceiveBytes : 16 * 1024;
            _messageBytes = start.MessageBytes;
            _handOff = start.HandOffToShard1;
            return ctx.Listen(start.Address, start.Port);
        }

        if (message.Kind != MessageKind.IoCompleted || !message.Is(out IoCompletion done))
        {
            return message.Kind is MessageKind.Cancel or MessageKind.Shutdown ? Effect.Done : Effect.Receive;
        }

        switch (done.Operation)
        {
            case IoOperation.Listen:
                if (!done.IsSuccess)
                {
                    Probe.Outcome(in done);
                    return Effect.Done;
                }

                _listener = done.Socket;
                Probe.ListenPort = ctx.LocalPort(_listener);
                return ctx.Accept(_listener);
            case IoOperation.Accept:
                if (!done.IsSuccess)
                {
                    Probe.Outcome(in done);
                    return done.Result.Kind is IoErrorKind.Cancelled or IoErrorKind.StaleConnection ? Effect.Done : ctx.Accept(_listener);
                }

                Probe.Increment(ref Probe.Accepted);
                if (_handOff)
                {
                    if (!ctx.TryDetachSocket(done.Socket, out DetachedSocket detached))
                    {
                        Probe.Error("detach failed");
                    }
                    else if (ctx.Send(Probe.Adopter, new Adopt { Socket = detached }) != SendResult.Ok)
                    {
                        Probe.Error("hand-off send failed");
                    }

                    return ctx.Accept(_listener);
                }

                SpawnResult child = ctx.Spawn<EchoConnection, ConnectionStart>(new ConnectionStart { Socket = done.Socket, ReceiveBytes = _receiveBytes, MessageBytes = _messageBytes });
                if (!child.IsOk || !ctx.TransferSocket(done.Socket, child.Handle))
                {
                    Probe.Error("spawn or transfer failed");
                }

                return ctx.Accept(_listener);
            default:
                return Effect.Receive;
        }
    }
}

/// <summary>Adopts sockets handed over from another shard and echoes on them.</summary>
public sealed class Adopter : IIsolate
{
    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Is(out Adopt adopt))
        {
            if (!ctx.TryAdoptSocket(in adopt.Socket, out SocketHandle socket))
            {
                Probe.Error("adopt failed");
                ctx.CloseDetachedSocket(in adopt.Socket);
                return Effect.Receive;
            }

            SpawnResult child = ctx.Spawn<EchoConnection, ConnectionStart>(new ConnectionStart { Socket = socket, ReceiveBytes = 16 * 1024 });
            if (!child.IsOk || !ctx.TransferSocket(socket, child.Handle))
            {
                Probe.Error("spawn or transfer failed on the adopting shard");
            }
        }

        return Effect.Receive;
    }
}

/// <summary>Echoes every byte it receives; closes when the peer closes or on an error.</summary>
public sealed class EchoConnection : IIsolate
{
    private SocketHandle _socket;
    private int _receiveBytes;
    private byte[]? _message;     // store-and-forward: the message being collected
    private int _collected;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out ConnectionStart start))
        {
            _socket = start.Socket;
            _receiveBytes = start.ReceiveBytes;
            _message = start.MessageBytes > 0 ? new byte[start.MessageBytes] : null;
            return ctx.Receive(_socket, _receiveBytes);
        }

        if (message.Kind != MessageKind.IoCompleted || !message.Is(out IoCompletion done))
        {
            return message.Kind is MessageKind.Cancel or MessageKind.Shutdown ? Effect.Done : Effect.Receive;
        }

        switch (done.Operation)
        {
            case IoOperation.Receive when done.IsSuccess && done.Result.Bytes > 0 && _message is not null:
                ReadOnlySpan<byte> part = ctx.ReceivedData(in done);
                int take = Math.Min(part.Length, _message.Length - _collected);
                part[..take].CopyTo(_message.AsSpan(_collected));
                _collected += take;
                if (_collected < _message.Length)
                {
                    return ctx.Receive(_socket, Math.Min(_receiveBytes, _message.Length - _collected));
                }

                _collected = 0;
                return ctx.Send(_socket, _message);
            case IoOperation.Receive when done.IsSuccess && done.Result.Bytes > 0:
                return ctx.Send(_socket, ctx.ReceivedData(in done));
            case IoOperation.Send when done.IsSuccess:
                Probe.BytesEchoed += done.Result.Bytes;
                return ctx.Receive(_socket, _receiveBytes);
            case IoOperation.Close:
                Probe.Increment(ref Probe.ServerConnectionsClosed);
                return Effect.Done;
            default:
                if (!done.IsSuccess)
                {
                    Probe.Outcome(in done);
                }

                return ctx.Close(_socket); // end of stream or an error
        }
    }
}

/// <summary>Connects, sends <c>Messages</c> patterned messages of <c>Size</c> bytes, checks every echoed byte, closes.</summary>
public sealed class EchoClient : IIsolate
{
    private ClientStart _start;
    private SocketHandle _socket;
    private byte[] _expected = Array.Empty<byte>();
    private int _message;
    private int _received;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out _start))
        {
            _expected = new byte[_start.Size];
            return ctx.Connect(_start.Address, _start.Port, TimeSpan.FromSeconds(10));
        }

        if (message.Kind != MessageKind.IoCompleted || !message.Is(out IoCompletion done))
        {
            return Effect.Receive;
        }

        if (!done.IsSuccess)
        {
            Probe.Outcome(in done);
            Probe.Error($"client {_start.Seed}: {done}");
            return _socket.IsNone || done.Operation == IoOperation.Close ? Effect.Done : ctx.Close(_socket);
        }

        switch (done.Operation)
        {
            case IoOperation.Connect:
                _socket = done.Socket;
                return SendNext(ref ctx);
            case IoOperation.Send:
                return ctx.Receive(_socket, 64 * 1024);
            case IoOperation.Receive:
                ReadOnlySpan<byte> data = ctx.ReceivedData(in done);
                if (data.Length == 0 || data.Length > _expected.Length - _received || !data.SequenceEqual(_expected.AsSpan(_received, data.Length)))
                {
                    Probe.Error($"client {_start.Seed}: wrong echo at message {_message}, offset {_received}, {data.Length} bytes");
                    return ctx.Close(_socket);
                }

                _received += data.Length;
                if (_received < _expected.Length)
                {
                    return ctx.Receive(_socket, 64 * 1024);
                }

                _message++;
                return _message < _start.Messages ? SendNext(ref ctx) : ctx.Close(_socket);
            case IoOperation.Close:
                Probe.Increment(ref Probe.ClientsDone);
                return Effect.Done;
            default:
                return Effect.Receive;
        }
    }

    private Effect SendNext(ref Context ctx)
    {
        for (int i = 0; i < _expected.Length; i++)
        {
            _expected[i] = (byte)(_start.Seed + (_message * 31) + (i * 7));
        }

        _received = 0;
        return ctx.Send(_socket, _expected);
    }
}

/// <summary>Connects and closes, <c>Cycles</c> times.</summary>
public sealed class ConnectCloseClient : IIsolate
{
    private CycleStart _start;
    private int _cycle;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out _start))
        {
            return ctx.Connect(_start.Address, _start.Port);
        }

        if (message.Kind != MessageKind.IoCompleted || !message.Is(out IoCompletion done))
        {
            return Effect.Receive;
        }

        if (done.Operation == IoOperation.Connect)
        {
            if (!done.IsSuccess)
            {
                Probe.Error($"connect {_cycle}: {done}");
                return Effect.Done;
            }

            return ctx.Close(done.Socket);
        }

        Probe.Increment(ref Probe.ClientCycles);
        if (++_cycle < _start.Cycles)
        {
            return ctx.Connect(_start.Address, _start.Port);
        }

        Probe.Increment(ref Probe.ClientsDone);
        return Effect.Done;
    }
}
