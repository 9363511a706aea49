using System.Runtime.CompilerServices;
using Tina.Isolates;

namespace Tina.Scheduling;

/// <summary>
/// The isolates of one shard that yielded this tick (and wait for no ring room): each resumes at the start of the
/// next tick's dispatch, never in the tick it yielded in.
/// </summary>
/// <remarks>
/// <para>Why the next tick. The resume comes after this tick has published its outbound rings and drained its inbound
/// ones, so a producer that yields on <see cref="SendResult.RingFull"/> retries after its earlier sends became
/// visible to the consumer, instead of spinning inside a tick whose ring cannot change.</para>
/// <para>Invariants. Owned by one shard; touched only by its thread. An isolate is listed at most once (the caller
/// lists it only while it sets <see cref="IsolateFlags.Yielded"/>), so the list holds the shard's slot count. An entry
/// whose isolate lost the flag (exited, or its slot was reallocated) is skipped at <see cref="ResumeAll"/>.</para>
/// </remarks>
internal sealed class YieldList
{
    private readonly long[] _entries;   // packed (type, slot)
    private int _count;

    /// <param name="capacity">The owning shard's slot count (at least 1).</param>
    public YieldList(int capacity) => _entries = new long[capacity];

    /// <summary>Isolates listed now.</summary>
    public int Count => _count;

    /// <summary>Lists a yielder (packed type and slot); the caller has just set its Yielded flag.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(long packed) => _entries[_count++] = packed;

    /// <summary>Queues every listed isolate that still carries the Yielded flag, clears it, and empties the list.</summary>
    public void ResumeAll(IsolateTable[] types)
    {
        for (int i = 0; i < _count; i++)
        {
            long packed = _entries[i];
            IsolateTable table = types[(int)(packed >> 32)];
            int slot = (int)packed;
            ref IsolateMeta meta = ref table.Meta[slot];
            if ((meta.Flags & IsolateFlags.Yielded) != 0)
            {
                meta.Flags &= ~IsolateFlags.Yielded; // cleared by a reallocation too: then the entry is simply stale
                table.Schedule(slot);
            }
        }

        _count = 0;
    }
}
