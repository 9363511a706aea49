using System.Collections.Generic;
using System.Threading;

namespace Tina.Io.Tests.Support;

/// <summary>What the test isolates saw. Reset before each test; written by shard threads, read by the test.</summary>
internal static class Probe
{
    private static readonly object s_gate = new();
    private static readonly List<string> s_errors = new();
    private static readonly List<IoCompletion> s_outcomes = new();

    public static int ListenPort;
    public static int Accepted;
    public static int ServerConnectionsClosed;
    public static int ClientsDone;
    public static int ClientCycles;
    public static long BytesEchoed;
    public static long ClientBytes;
    public static Handle Adopter;

    public static void Reset()
    {
        ListenPort = 0;
        Accepted = 0;
        ServerConnectionsClosed = 0;
        ClientsDone = 0;
        ClientCycles = 0;
        BytesEchoed = 0;
        ClientBytes = 0;
        Adopter = Handle.None;
        lock (s_gate)
        {
            s_errors.Clear();
            s_outcomes.Clear();
        }
    }

    public static void Error(string what)
    {
        lock (s_gate)
        {
            s_errors.Add(what);
        }
    }

    public static void Outcome(in IoCompletion completion)
    {
        lock (s_gate)
        {
            s_outcomes.Add(completion);
        }
    }

    public static List<string> Errors
    {
        get
        {
            lock (s_gate)
            {
                return new List<string>(s_errors);
            }
        }
    }

    public static List<IoCompletion> Outcomes
    {
        get
        {
            lock (s_gate)
            {
                return new List<IoCompletion>(s_outcomes);
            }
        }
    }

    public static void Increment(ref int counter) => Interlocked.Increment(ref counter);
}
