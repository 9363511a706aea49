using System.Collections.Generic;
using System.Threading;

namespace Tina.Io.Tests.Hostile;

/// <summary>
/// What the hostile-peer server's isolates saw. Written by the server's shard thread (Interlocked, or under the
/// gate for the list), read by the test thread; reset before each test.
/// </summary>
internal static class HostileProbe
{
    private static readonly object s_gate = new();
    private static readonly List<string> s_unexpected = new();

    public static int ListenPort;
    public static int LastListenPort;
    public static int ListenersClosed;
    public static int Accepted;          // connections the listener was handed
    public static int SpawnRefused;      // connections the listener could not give a session (closed at once)
    public static int Sessions;          // echo sessions started (each issues its first receive)
    public static int SessionsClosed;    // echo sessions whose close completed
    public static int EndOfStream;       // sessions that saw the peer's end of stream
    public static int Resets;            // sessions that saw ECONNRESET or EPIPE
    public static int SendTimeouts;      // sessions whose send timed out (the reactor closed the connection)
    public static int AcceptErrors;      // accepts that failed (the listener accepts again)
    public static int SendRetries;       // sends refused with BuffersExhausted and retried
    public static int SendsInFlight;     // echo sends staged and not completed yet

    public static void Reset()
    {
        ListenPort = 0;
        LastListenPort = 0;
        ListenersClosed = 0;
        Accepted = 0;
        SpawnRefused = 0;
        Sessions = 0;
        SessionsClosed = 0;
        EndOfStream = 0;
        Resets = 0;
        SendTimeouts = 0;
        AcceptErrors = 0;
        SendRetries = 0;
        SendsInFlight = 0;
        lock (s_gate)
        {
            s_unexpected.Clear();
        }
    }

    /// <summary>A completion no hostile case should produce (anything but bytes, an end, a reset or a send timeout).</summary>
    public static void Unexpected(string what)
    {
        lock (s_gate)
        {
            s_unexpected.Add(what);
        }
    }

    public static List<string> UnexpectedOutcomes
    {
        get
        {
            lock (s_gate)
            {
                return new List<string>(s_unexpected);
            }
        }
    }

    public static int Read(ref int field) => Volatile.Read(ref field);
}
