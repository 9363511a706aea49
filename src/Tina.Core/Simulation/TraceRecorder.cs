using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace Tina.Simulation;

/// <summary>
/// Folds every trace event into a running 64-bit FNV-1a hash (the determinism proof: same seed, same hash, in any
/// process) and keeps the last <see cref="Capacity"/> events in a ring for the dump. Never <c>HashCode</c>, whose
/// seed changes per process. Allocates only at construction.
/// </summary>
internal sealed class TraceRecorder
{
    private const ulong FnvOffsetBasis = 0xCBF29CE484222325;
    private const ulong FnvPrime = 0x100000001B3;

    private readonly TraceEvent[] _ring;   // the last events; _count % capacity is the next slot
    private ulong _hash = FnvOffsetBasis;  // FNV-1a over every event's fields, in order
    private long _count;                   // events recorded since the start

    public TraceRecorder(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new TraceEvent[capacity];
    }

    public int Capacity => _ring.Length;

    /// <summary>The hash of every event so far.</summary>
    public ulong Hash => _hash;

    /// <summary>Events recorded since the start (the ring holds the last <see cref="Capacity"/>).</summary>
    public long Count => _count;

    /// <summary>The round being run; set by the simulator.</summary>
    public long Round { get; set; }

    /// <summary>Simulated now of the round being run, in nanoseconds; set by the simulator.</summary>
    public long NowNanoseconds { get; set; }

    /// <summary>Records one event and folds it into the hash.</summary>
    public void Record(TraceEventKind kind, int shard, ulong handle, ulong a, ulong b)
    {
        ulong hash = _hash;
        hash = Fold(hash, (ulong)Round);
        hash = Fold(hash, (ulong)NowNanoseconds);
        hash = Fold(hash, ((ulong)kind << 32) | (uint)shard);
        hash = Fold(hash, handle);
        hash = Fold(hash, a);
        hash = Fold(hash, b);
        _hash = hash;
        _ring[(int)(_count % _ring.Length)] = new TraceEvent(Round, NowNanoseconds, kind, shard, handle, a, b);
        _count++;
    }

    /// <summary>Writes the retained events, oldest first, one per line.</summary>
    public void WriteTo(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        long first = Math.Max(0, _count - _ring.Length);
        writer.WriteLine($"# {_count - first} of {_count} events; columns: round, now (ns), shard, event");
        for (long i = first; i < _count; i++)
        {
            writer.WriteLine(_ring[(int)(i % _ring.Length)].ToString());
        }
    }

    /// <summary>FNV-1a over the eight bytes of <paramref name="value"/>, low byte first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Fold(ulong hash, ulong value)
    {
        for (int i = 0; i < 8; i++)
        {
            hash = (hash ^ (byte)(value >> (8 * i))) * FnvPrime;
        }

        return hash;
    }
}
