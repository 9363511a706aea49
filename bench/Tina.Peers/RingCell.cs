using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Tina.Peers;

/// <summary>
/// The hardware floor: a minimal single-producer/single-consumer ring of 16-byte entries (1,024) between two
/// threads pinned to cores 0 and 1; the producer publishes its tail every 64 claims, the consumer its head once per
/// drain. Invariants: only the producer writes <see cref="_tail"/> and entries at or past it; only the consumer
/// writes <see cref="_head"/>; a Volatile.Write of an index publishes every entry written before it.
/// Fan-in: two rings into one consumer thread. Ping-pong: one-entry hand-off each way.
/// </summary>
internal sealed class RingCell : ICell
{
    private const int Capacity = 1024;
    private readonly string _scenario;
    private volatile bool _stop;
    private Thread[] _threads = [];

    public RingCell(string scenario) => _scenario = scenario;

    public int MessagesPerUnit => _scenario == "pingpong-send" ? 2 : 1;

    private sealed class Ring
    {
        public readonly Msg[] Entries = new Msg[Capacity];
        public PaddedLong Tail;
        public PaddedLong Head;
    }

    public void Start()
    {
        switch (_scenario)
        {
            case "oneway":
            {
                var r = new Ring();
                _threads = [new Thread(() => { Pin(1); Consume([r]); }), new Thread(() => { Pin(0); Produce(r); })];
                break;
            }

            case "fanin":
            {
                var a = new Ring();
                var b = new Ring();
                _threads =
                [
                    new Thread(() => { Pin(2); Consume([a, b]); }),
                    new Thread(() => { Pin(0); Produce(a); }),
                    new Thread(() => { Pin(1); Produce(b); }),
                ];
                break;
            }

            case "pingpong-send":
            {
                var ping = new PaddedLong[2];
                _threads = [new Thread(() => { Pin(0); PingSide(ping, 0); }), new Thread(() => { Pin(1); PingSide(ping, 1); })];
                break;
            }

            default:
                throw new ArgumentException(_scenario);
        }

        foreach (Thread t in _threads)
        {
            t.IsBackground = true;
            t.Start();
        }
    }

    private void Produce(Ring r)
    {
        long tail = 0, cachedHead = 0;
        while (!_stop)
        {
            for (int i = 0; i < 64; i++)
            {
                if (tail - cachedHead >= Capacity)
                {
                    cachedHead = Volatile.Read(ref r.Head.Value);
                    if (tail - cachedHead >= Capacity)
                    {
                        break;
                    }
                }

                r.Entries[tail & (Capacity - 1)] = new Msg(tail, 1);
                tail++;
            }

            Volatile.Write(ref r.Tail.Value, tail);
        }
    }

    private void Consume(Ring[] rings)
    {
        var heads = new long[rings.Length];
        long sum = 0;
        while (!_stop)
        {
            for (int k = 0; k < rings.Length; k++)
            {
                Ring r = rings[k];
                long tail = Volatile.Read(ref r.Tail.Value);
                long head = heads[k];
                if (tail == head)
                {
                    continue;
                }

                for (long s = head; s < tail; s++)
                {
                    sum += r.Entries[s & (Capacity - 1)].Sequence;
                }

                heads[k] = tail;
                Volatile.Write(ref r.Head.Value, tail);
                Counter.Add(tail - head);
            }
        }

        GC.KeepAlive(sum);
    }

    /// <summary>Side 0 sends n+1 when it sees n back; side 1 echoes. Each side writes only its own slot.</summary>
    private void PingSide(PaddedLong[] slots, int side)
    {
        long seen = 0;
        if (side == 0)
        {
            Volatile.Write(ref slots[0].Value, 1);
        }

        while (!_stop)
        {
            long v = Volatile.Read(ref slots[1 - side].Value);
            if (v != seen)
            {
                seen = v;
                if (side == 0)
                {
                    Counter.Add(1);
                    Volatile.Write(ref slots[0].Value, v + 1);
                }
                else
                {
                    Volatile.Write(ref slots[1].Value, v);
                }
            }
        }
    }

    private static void Pin(int core)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        ulong mask = 1UL << (core % Environment.ProcessorCount);
        _ = SchedSetAffinity(0, (nint)sizeof(ulong), ref mask);
    }

    [DllImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static extern int SchedSetAffinity(int pid, nint size, ref ulong mask);

    public long Work() => Counter.Read();

    public void Stop() => _stop = true;
}
