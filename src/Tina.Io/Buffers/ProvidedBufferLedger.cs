using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Tina.Io.Buffers;

/// <summary>
/// The reactor's side of the backend's provided receive buffers (io_uring's buffer ring, or the simulator's). A
/// buffer the kernel filled is in the reactor's hands from its completion until the reactor gives it back
/// (<c>IIoBackend.ReturnProvidedBuffer</c>); meanwhile it sits in its connection's held queue and/or is lent to the
/// isolate handling the completion that carries (part of) it.
/// </summary>
/// <remarks>
/// <para>Invariants: a buffer in hand is held, listed, or both (one neither is given back at once);
/// <see cref="InHand"/> counts them; a buffer is in at most one held queue and listed at most once; its generation
/// changes on every fill, so an <see cref="IoCompletion"/> kept past its invocation can never read a later fill's
/// bytes. Shard-thread only. Sized once at creation; nothing here allocates afterwards.</para>
/// </remarks>
internal sealed class ProvidedBufferLedger
{
    private readonly ProvidedBuffer[] _buffers;

    public ProvidedBufferLedger(int count, int size)
    {
        Debug.Assert(count > 0 && size > 0, "a ring of buffers");
        _buffers = new ProvidedBuffer[count];
        for (int i = 0; i < count; i++)
        {
            _buffers[i].Next = -1;
            _buffers[i].Generation = 1;
        }

        Size = size;
    }

    /// <summary>How many buffers the backend provides.</summary>
    public int Count => _buffers.Length;

    /// <summary>Bytes per buffer.</summary>
    public int Size { get; }

    /// <summary>Buffers the backend has handed over (by a completion) and the reactor has not given back.</summary>
    public int InHand { get; private set; }

    public ref ProvidedBuffer this[int id]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _buffers[id];
    }

    /// <summary>A completion handed buffer <paramref name="id"/> to the reactor with <paramref name="length"/> bytes.</summary>
    public ref ProvidedBuffer Take(int id, int length)
    {
        ref ProvidedBuffer b = ref _buffers[id];
        Debug.Assert(!b.Held && !b.Listed, "the kernel fills only buffers the reactor gave back");
        uint generation = b.Generation + 1;
        b.Generation = generation == 0 ? 1 : generation;
        b.Length = length;
        b.Offset = 0;
        b.Next = -1;
        b.LentTo = Handle.None;
        InHand++;
        return ref b;
    }

    /// <summary>The reactor gives buffer <paramref name="id"/> back to the backend (the caller calls the backend).</summary>
    public void Release(int id)
    {
        ref ProvidedBuffer b = ref _buffers[id];
        Debug.Assert(!b.Held && !b.Listed, "a buffer goes back once nothing refers to it");
        b.LentTo = Handle.None;
        InHand--;
        Debug.Assert(InHand >= 0, "released more than taken");
    }
}
