using System;
using System.Threading;

namespace Tina.Hosting;

/// <summary>
/// A bounded multi-producer, single-consumer queue of <see cref="LogRecord"/>s: one per shard, between the shard and
/// the forwarder's drain thread. Never blocks and never allocates after construction; a full queue refuses.
/// </summary>
/// <remarks>
/// Producers: the shard's own thread (its end-of-tick log drain) and, rarely, the watchdog thread (a stall record
/// for that shard), hence multi-producer. Consumer: the forwarder's drain thread only.
/// The bounded array queue with a sequence number per cell: a producer claims position <c>p</c> by CAS on
/// <see cref="_tail"/> when cell <c>p mod n</c> has sequence <c>p</c> (free for that lap), writes the record, then
/// publishes it by a release store of sequence <c>p + 1</c>; the consumer's acquire load of that sequence orders the
/// record's fields before its read. The consumer frees the cell for the next lap with a release store of
/// <c>p + n</c> after copying the record out, so a producer that sees that sequence may overwrite it.
/// </remarks>
internal sealed class LogRecordQueue
{
    private readonly LogRecord[] _records;
    private readonly long[] _sequence;
    private readonly int _mask;

    // Written by producers (CAS) only.
    private long _tail;

    // Written by the consumer only.
    private long _head;

    public LogRecordQueue(int capacity)
    {
        if (capacity < 2 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "must be a power of two, at least 2");
        }

        _records = new LogRecord[capacity];
        _sequence = new long[capacity];
        for (int i = 0; i < capacity; i++)
        {
            _sequence[i] = i;
        }

        _mask = capacity - 1;
    }

    /// <summary>Records the queue can hold.</summary>
    public int Capacity => _records.Length;

    /// <summary>Records queued now (a snapshot; exact only when no producer is mid-write).</summary>
    public long Count => Math.Max(0, Volatile.Read(ref _tail) - Volatile.Read(ref _head));

    /// <summary>Queues a copy of <paramref name="record"/>; false when the queue is full. Any thread.</summary>
    public bool TryEnqueue(in LogRecord record)
    {
        long position = Volatile.Read(ref _tail);
        while (true)
        {
            int cell = (int)(position & _mask);
            long sequence = Volatile.Read(ref _sequence[cell]);
            long lag = sequence - position;
            if (lag == 0)
            {
                long seen = Interlocked.CompareExchange(ref _tail, position + 1, position);
                if (seen == position)
                {
                    _records[cell] = record;
                    Volatile.Write(ref _sequence[cell], position + 1);
                    return true;
                }

                position = seen;
            }
            else if (lag < 0)
            {
                // The cell still holds the record of the previous lap: the queue is full.
                return false;
            }
            else
            {
                position = Volatile.Read(ref _tail);
            }
        }
    }

    /// <summary>Takes the oldest published record; false when none is. The consumer thread only.</summary>
    public bool TryDequeue(out LogRecord record)
    {
        long position = _head;
        int cell = (int)(position & _mask);
        if (Volatile.Read(ref _sequence[cell]) != position + 1)
        {
            record = default;
            return false;
        }

        record = _records[cell];
        _records[cell] = default;
        Volatile.Write(ref _sequence[cell], position + _records.Length);
        Volatile.Write(ref _head, position + 1);
        return true;
    }
}
