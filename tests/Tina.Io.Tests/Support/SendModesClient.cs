using System;
using System.Threading;

namespace Tina.Io.Tests.Support;

public enum SendMode
{
    /// <summary>A gather send of three parts (header, body, trailer) as one send.</summary>
    Gather,
    /// <summary>A send straight from a shard buffer the isolate rented (no copy).</summary>
    OwnedBuffer,
    /// <summary>A payload over the per-connection send cap (or the whole pool): a typed TooLarge, not a throw.</summary>
    LargerThanThePool,
    /// <summary>Keeps every received buffer and checks the echo only after the last part arrived.</summary>
    KeepReceived,
    /// <summary>One plain send of the whole payload.</summary>
    Plain,
}

public struct SendModesStart
{
    public SendMode Mode;
    public IoAddress Address;
    public int Port;
    public int Size;      // payload bytes (LargerThanThePool: bigger than the pool)
}

/// <summary>What <see cref="SendModesClient"/> saw. Reset before each test.</summary>
internal static class SendModesProbe
{
    public static IoCompletion SendOutcome;
    public static int Verified;                 // echoed bytes that matched
    public static int StaleReadsEmpty;          // ReceivedData of an earlier invocation's completion came back empty
    public static int Kept;                     // receive buffers kept
    public static int Done;

    public static void Reset()
    {
        SendOutcome = default;
        Verified = 0;
        StaleReadsEmpty = 0;
        Kept = 0;
        Done = 0;
    }

    /// <summary>Not periodic in 256 or any power of two below 64 KiB, so a part sent twice or skipped shows.</summary>
    public static byte Pattern(int i) => (byte)((i * 13) ^ (i >> 8) ^ (i >> 16) ^ 5);
}

/// <summary>Connects to an echo server, sends one payload in the given way, checks the echo, closes.</summary>
public sealed class SendModesClient : IIsolate
{
    private readonly KeptReceive[] _kept = new KeptReceive[64];
    private SendModesStart _start;
    private SocketHandle _socket;
    private byte[] _huge = Array.Empty<byte>();
    private BufferRef _owned;
    private int _expected;
    private int _received;
    private int _keptCount;
    private IoCompletion _earlier;
    private bool _haveEarlier;
    private bool _closing;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out _start))
        {
            _huge = _start.Mode == SendMode.LargerThanThePool ? new byte[_start.Size] : Array.Empty<byte>();
            return ctx.Connect(_start.Address, _start.Port, TimeSpan.FromSeconds(10));
        }

        if (message.Kind != MessageKind.IoCompleted || !message.Is(out IoCompletion done))
        {
            return Effect.Receive;
        }

        switch (done.Operation)
        {
            case IoOperation.Connect when done.IsSuccess:
                _socket = done.Socket;
                return SendPayload(ref ctx);
            case IoOperation.Send:
                SendModesProbe.SendOutcome = done;
                if (!_owned.IsNone)
                {
                    ctx.ReleaseBuffer(_owned); // the send is complete: the kernel no longer reads it
                    _owned = BufferRef.None;
                }

                return done.IsSuccess ? ctx.Receive(_socket, 4096) : Close(ref ctx);
            case IoOperation.Receive when done.IsSuccess && done.Result.Bytes > 0:
                return OnReceive(ref ctx, in done);
            case IoOperation.Close:
                Interlocked.Increment(ref SendModesProbe.Done);
                return Effect.Done;
            default:
                Probe.Error($"send-modes client: {done}");
                return Close(ref ctx);
        }
    }

    private Effect SendPayload(ref Context ctx)
    {
        switch (_start.Mode)
        {
            case SendMode.Gather:
            {
                _expected = _start.Size;
                var payload = new byte[_start.Size];
                for (int i = 0; i < payload.Length; i++)
                {
                    payload[i] = SendModesProbe.Pattern(i);
                }

                int header = Math.Min(20, _expected), trailer = Math.Min(7, _expected - header);
                ReadOnlySpan<byte> all = payload;
                return ctx.Send(_socket, all[..header], all[header..(_expected - trailer)], all[(_expected - trailer)..]);
            }

            case SendMode.OwnedBuffer:
            {
                if (!ctx.TryRentBuffer(out _owned))
                {
                    Probe.Error("no shard buffer");
                    return Close(ref ctx);
                }

                Span<byte> bytes = ctx.GetBuffer(_owned);
                _expected = Math.Min(_start.Size, bytes.Length - 10);
                for (int i = 0; i < _expected; i++)
                {
                    bytes[10 + i] = SendModesProbe.Pattern(i);
                }

                return ctx.Send(_socket, _owned, 10, _expected);
            }

            case SendMode.LargerThanThePool:
                return ctx.Send(_socket, _huge);
            default:
            {
                _expected = _start.Size;
                var payload = new byte[_start.Size];
                for (int i = 0; i < payload.Length; i++)
                {
                    payload[i] = SendModesProbe.Pattern(i);
                }

                return ctx.Send(_socket, payload);
            }
        }
    }

    private Effect OnReceive(ref Context ctx, in IoCompletion done)
    {
        if (_haveEarlier && _start.Mode != SendMode.KeepReceived && ctx.ReceivedData(in _earlier).IsEmpty)
        {
            Interlocked.Increment(ref SendModesProbe.StaleReadsEmpty); // an earlier invocation's span is gone
        }

        _earlier = done;
        _haveEarlier = true;
        if (_start.Mode == SendMode.KeepReceived)
        {
            if (_keptCount == 0)
            {
                _expected = _start.Size;
            }

            if (_keptCount == _kept.Length || !ctx.KeepReceived(in done, out _kept[_keptCount]))
            {
                Probe.Error("could not keep a received buffer");
                return Close(ref ctx);
            }

            _received += _kept[_keptCount++].Length;
            Interlocked.Increment(ref SendModesProbe.Kept);
            if (_received < _expected)
            {
                return ctx.Receive(_socket, 4096);
            }

            // Every part was kept over several invocations: check them now, then give them back.
            int at = 0;
            for (int k = 0; k < _keptCount; k++)
            {
                ReadOnlySpan<byte> part = ctx.KeptData(in _kept[k]);
                if (part.Length != _kept[k].Length)
                {
                    Probe.Error($"kept part {k} lost its bytes");
                }

                foreach (byte b in part)
                {
                    if (b == SendModesProbe.Pattern(at++))
                    {
                        SendModesProbe.Verified++;
                    }
                }

                if (!ctx.ReleaseKept(in _kept[k]) || ctx.ReleaseKept(in _kept[k]))
                {
                    Probe.Error("a kept buffer is released exactly once");
                }
            }

            return Close(ref ctx);
        }

        foreach (byte b in ctx.ReceivedData(in done))
        {
            if (b == SendModesProbe.Pattern(_received++))
            {
                SendModesProbe.Verified++;
            }
        }

        return _received < _expected ? ctx.Receive(_socket, 4096) : Close(ref ctx);
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
