using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace Tina.Benchmarks.Throughput;

/// <summary>
/// The hardware ceiling for the one-way scenario: a minimal single-producer/single-consumer ring of 128-byte
/// entries between two threads (producer publishes its tail once per
/// batch of 64, consumer publishes its head once per drain, each side caches the other's index, each index and each
/// side's private fields on its own 128-byte block, entries aligned to 64 bytes). No Tina code on the path.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 640)]
internal sealed class BareRing
{
    /// <summary>Entry size in bytes (the Tina envelope size).</summary>
    public const int EntrySize = 128;

    /// <summary>Entries (the Tina default ring capacity).</summary>
    public const int Capacity = 1024;

    /// <summary>Claims between two tail publications.</summary>
    public const int PublishBatch = 64;

    // ---- cold, read-only after construction ----
    [FieldOffset(0)] private readonly byte[] _bytes;     // pinned; entry i at _offset + i * EntrySize
    [FieldOffset(8)] private readonly int _offset;       // first 64-byte boundary in _bytes
    [FieldOffset(12)] private readonly int _writeBytes;  // bytes the producer writes (and the consumer reads) per entry
    [FieldOffset(16)] private int _stop;                 // set once by the measuring thread

    // ---- producer-private ----
    [FieldOffset(128)] private long _producerTail;
    [FieldOffset(136)] private long _producerCachedHead;

    // ---- published tail (producer release, consumer acquire) ----
    [FieldOffset(256)] private long _publishedTail;

    // ---- consumer-private ----
    [FieldOffset(384)] private long _consumerHead;
    [FieldOffset(392)] private long _checksum;

    // ---- published head (consumer release, producer acquire) ----
    [FieldOffset(512)] private long _publishedHead;

    // ---- progress and control, read by the measuring thread ----
    [FieldOffset(520)] private long _consumed;           // written by the consumer once per drain
    [FieldOffset(632)] private long _endPadding;

    public BareRing(int writeBytes)
    {
        _writeBytes = writeBytes;
        _endPadding = 0;
        _bytes = GC.AllocateArray<byte>((Capacity * EntrySize) + 64, pinned: true);
        GCHandle pin = GCHandle.Alloc(_bytes, GCHandleType.Pinned);
        long address = pin.AddrOfPinnedObject();
        pin.Free(); // the array lives on the pinned object heap: its address does not change
        _offset = (int)((64 - (address & 63)) & 63);
    }

    /// <summary>Entries the consumer has read so far (any thread).</summary>
    public long Consumed => Volatile.Read(ref _consumed);

    public long Checksum => _checksum;

    public void RequestStop() => Volatile.Write(ref _stop, 1);

    /// <summary>Producer thread: writes entries until stopped.</summary>
    public void Produce()
    {
        long sequence = 0;
        while (Volatile.Read(ref _stop) == 0)
        {
            for (int i = 0; i < PublishBatch; i++)
            {
                long tail = _producerTail;
                if (tail - _producerCachedHead >= Capacity)
                {
                    _producerCachedHead = Volatile.Read(ref _publishedHead);
                    if (tail - _producerCachedHead >= Capacity)
                    {
                        break;
                    }
                }

                ref byte entry = ref Entry(tail);
                for (int b = 0; b < _writeBytes; b += sizeof(long))
                {
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref entry, b), sequence);
                }

                sequence++;
                _producerTail = tail + 1;
            }

            Volatile.Write(ref _publishedTail, _producerTail);
        }
    }

    /// <summary>Consumer thread: reads every published entry until stopped.</summary>
    public void Consume()
    {
        while (Volatile.Read(ref _stop) == 0)
        {
            long tail = Volatile.Read(ref _publishedTail);
            long head = _consumerHead;
            if (tail == head)
            {
                continue;
            }

            long sum = 0;
            for (long s = head; s < tail; s++)
            {
                ref byte entry = ref Entry(s);
                for (int b = 0; b < _writeBytes; b += sizeof(long))
                {
                    sum += Unsafe.ReadUnaligned<long>(ref Unsafe.Add(ref entry, b));
                }
            }

            _checksum += sum;
            _consumerHead = tail;
            Volatile.Write(ref _publishedHead, tail);
            Volatile.Write(ref _consumed, _consumed + (tail - head));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref byte Entry(long sequence) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_bytes), _offset + ((int)(sequence & (Capacity - 1)) * EntrySize));
}
