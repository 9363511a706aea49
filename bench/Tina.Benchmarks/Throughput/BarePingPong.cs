using System.Runtime.InteropServices;
using System.Threading;

namespace Tina.Benchmarks.Throughput;

/// <summary>
/// The hardware floor for call/reply: two threads bounce a sequence number, spinning without pause. One round trip
/// is two cross-core hops. With one line per hop the sequence number is the message; with two, each side first
/// writes a payload line and then publishes a separate index line (as a ring does: the reader must see the index,
/// then fetch the slot), so every hop costs two dependent line transfers. Each line has its own 128-byte block.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 640)]
internal sealed class BarePingPong
{
    [FieldOffset(0)] private int _stop;            // set once by the measuring thread
    [FieldOffset(4)] private bool _twoLines;       // read-only after construction
    [FieldOffset(128)] private long _ping;         // index line, caller → replier
    [FieldOffset(136)] private long _callerSum;    // caller-written, once at the end
    [FieldOffset(256)] private long _pong;         // index line, replier → caller (= round trips done)
    [FieldOffset(264)] private long _replierSum;   // replier-written, once at the end
    [FieldOffset(384)] private long _pingPayload;  // payload line, caller → replier (two-line mode)
    [FieldOffset(512)] private long _pongPayload;  // payload line, replier → caller (two-line mode)
    [FieldOffset(632)] private long _endPadding;

    public BarePingPong(bool twoLinesPerHop)
    {
        _twoLines = twoLinesPerHop;
        _endPadding = 0;
    }

    /// <summary>Round trips completed so far (any thread).</summary>
    public long RoundTrips => Volatile.Read(ref _pong);

    /// <summary>Sum of payloads seen, so the payload reads are not dead code (valid after both threads ended).</summary>
    public long Checksum => _callerSum + _replierSum;

    public void RequestStop() => Volatile.Write(ref _stop, 1);

    /// <summary>Caller thread: sends ping n+1 as soon as pong n arrives.</summary>
    public void Call()
    {
        long next = 1;
        long sum = 0;
        Send(ref _pingPayload, ref _ping, next);
        while (Volatile.Read(ref _stop) == 0)
        {
            if (Volatile.Read(ref _pong) == next)
            {
                sum += _twoLines ? _pongPayload : 0;
                next++;
                Send(ref _pingPayload, ref _ping, next);
            }
        }

        _callerSum = sum;
    }

    /// <summary>Replier thread: echoes every ping.</summary>
    public void Reply()
    {
        long seen = 0;
        long sum = 0;
        while (Volatile.Read(ref _stop) == 0)
        {
            long ping = Volatile.Read(ref _ping);
            if (ping != seen)
            {
                seen = ping;
                sum += _twoLines ? _pingPayload : 0;
                Send(ref _pongPayload, ref _pong, ping);
            }
        }

        _replierSum = sum;
    }

    private void Send(ref long payload, ref long index, long value)
    {
        if (_twoLines)
        {
            payload = value;
        }

        // Release: the payload is visible before the index that announces it.
        Volatile.Write(ref index, value);
    }
}
