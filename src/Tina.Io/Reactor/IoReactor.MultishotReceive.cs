using System;
using System.Diagnostics;
using Tina.Io.Buffers;
using Tina.Io.Interop;

namespace Tina.Io.Reactor;

/// <remarks>
/// <para>Multishot receive (backends with <see cref="IoBackendCapabilities.MultishotReceive"/> and provided buffers:
/// io_uring's buffer ring, the simulator). The first Receive on a connection arms one
/// <see cref="IoOpCode.ReceiveMultishot"/> under an internal token (op field Receive, so it never matches a lane).
/// From then on the kernel picks a provided buffer whenever bytes arrive and posts them; the reactor appends each
/// buffer to the connection's held queue (stream order) and a Receive takes from the head of that queue, at most its
/// maxBytes, without a syscall. An idle connection therefore holds no buffer at all; only bytes that have arrived do.
/// The buffer is lent to the isolate (zero copy: <see cref="ReceivedData"/> reads the provided buffer) and given back
/// to the backend at the first Collect after the isolate has handled the completion and nothing of it is still held.</para>
/// <para>Bounds: a connection holds at most <see cref="_heldPerConnectionMax"/> buffers
/// (<see cref="IoOptions.ReceiveBuffersPerConnection"/>; default a sixteenth of the ring); at that mark the arm is
/// cancelled (the socket's receive buffer, then TCP flow control, hold the rest) and re-armed once a Receive has
/// drained the queue below it. Completions racing the cancel still land in the queue: every buffer belongs to the
/// backend's fixed ring, so the total stays bounded by the ring whatever one connection does.</para>
/// <para>Ends: peer close (0) and errors (reset...) are recorded and reported after the held bytes, in stream order.
/// ENOBUFS (the ring is empty: every buffer is held or lent) ends the arm; a waiting Receive then falls back to a
/// one-shot receive into the reactor's own pool, and the next Receive arms again. Closing cancels the arm and gives
/// back what is held; the entry is freed only when the arm's last completion is back. A connection with an arm or
/// held bytes cannot be detached to another shard (bytes the kernel already took belong to this shard).</para>
/// <para>The lane stays the Receive's: <see cref="LaneState.WaitingOnArm"/> while its isolate waits for bytes (a
/// timeout or cancel only forgets the waiter; the arm keeps the stream), <see cref="LaneState.Submitted"/> while a
/// one-shot fallback is in flight (never together with an arm, so bytes cannot be reordered).</para>
/// </remarks>
internal sealed unsafe partial class IoReactor
{
    /// <summary>True when Receives are served by one multishot arm per connection.</summary>
    public bool UsesMultishotReceive => _provided is not null;

    /// <summary>Provided buffers the reactor holds now (held, or lent to isolates); a leak check for tests.</summary>
    internal int ProvidedBuffersInHand => _provided?.InHand ?? 0;

    /// <summary>
    /// A Receive with the read lane's isolate, sequence and maxBytes recorded (lane idle, or waiting on the arm): hand
    /// out held bytes, report the stream's end, or wait on the arm (arming it if needed).
    /// </summary>
    private void ServeReceive(int index, bool ringWasEmpty = false)
    {
        ref Connection c = ref _table[index];
        if (c.HeldCount > 0)
        {
            DeliverHeld(index);
            ArmReceive(index); // keep the stream coming before the isolate asks again
            return;
        }

        if (TryDeliverStreamEnd(index))
        {
            return;
        }

        if (!c.ReceiveArm.IsArmed && (ringWasEmpty || _provided!.InHand >= _provided.Count))
        {
            Count(IoCounter.ReceiveFallbacks);
            ReceiveIntoPool(index); // every provided buffer is held or lent: do not spin on ENOBUFS
            return;
        }

        ArmReceive(index);
        WaitOnArm(index, IoOpCode.Receive);
    }

    /// <summary>Hands the head of the held queue (at most the Receive's maxBytes of it) to the waiting isolate.</summary>
    private void DeliverHeld(int index)
    {
        ref Connection c = ref _table[index];
        ref Lane lane = ref c.Read;
        int id = c.HeldHead;
        ref ProvidedBuffer b = ref _provided![id];
        int offset = b.Offset;
        int length = Math.Min(lane.Length, b.Length - offset);
        b.Offset += length;
        if (b.Offset == b.Length)
        {
            c.HeldHead = b.Next;
            b.Next = -1;
            b.Held = false;
            if (--c.HeldCount == 0)
            {
                c.HeldTail = -1;
            }
        }

        Handle isolate = lane.Isolate;
        uint sequence = lane.IsolateSequence;
        lane.Reset();
        b.LentTo = isolate;
        b.LentSequence = sequence;
        if (!b.Listed)
        {
            b.Listed = true;
            Debug.Assert(_lentCount < _lent.Length, "each buffer is listed once at most");
            _lent[_lentCount++] = _buffers.Count + id;
        }

        _counters[(int)IoCounter.BytesReceived] += length;
        var completion = new IoCompletion(
            IoOperation.Receive, IoResult.FromBytes(length), HandleOf(index), length, _buffers.Count + id, b.Generation, offset);
        Deliver(isolate, sequence, in completion); // if it was stale, the next Collect gives the buffer back
    }

    /// <summary>Arms the connection's multishot receive unless it is armed, ended, full, or a one-shot receive runs.</summary>
    private void ArmReceive(int index)
    {
        ref Connection c = ref _table[index];
        if (c.State != ConnectionState.Open || c.ReceiveArm.IsArmed || c.HeldCount >= _heldPerConnectionMax
            || c.StashEndOfStream || c.ReceiveError != 0
            || c.Read.State is LaneState.Submitted or LaneState.Abandoned or LaneState.BackingOff // a one-shot runs or waits for a pool buffer
            || c.StashBuffer >= 0)
        {
            return;
        }

        Count(IoCounter.ReceiveArms);
        StartArm(ref c.ReceiveArm, index, IoOpCode.Receive, IoOpCode.ReceiveMultishot);
    }

    /// <summary>Closing: cancel the arm and give back every held buffer nobody has been lent.</summary>
    private void DisarmReceive(int index)
    {
        if (_provided is null)
        {
            return;
        }

        ref Connection c = ref _table[index];
        CancelArm(ref c.ReceiveArm, index);
        int id = c.HeldHead;
        while (id >= 0)
        {
            ref ProvidedBuffer b = ref _provided[id];
            int next = b.Next;
            b.Next = -1;
            b.Held = false;
            if (!b.Listed)
            {
                GiveBack(id);
            }

            id = next;
        }

        c.HeldHead = -1;
        c.HeldTail = -1;
        c.HeldCount = 0;
    }

    /// <summary>One completion of a connection's armed multishot receive.</summary>
    private void OnArmedReceive(int index, in IoCompletionEntry entry)
    {
        ref Connection c = ref _table[index];
        int result = entry.Result;
        bool withBuffer = entry.HasBuffer && _provided is not null;
        if (c.ReceiveArm.Token != entry.Token)
        {
            Count(IoCounter.StaleCompletions);
            if (withBuffer)
            {
                _provided!.Take(entry.BufferId, 0);
                GiveBack(entry.BufferId);
            }

            return;
        }

        bool more = entry.HasMore;
        if (!more)
        {
            c.ReceiveArm.Token = 0;
        }

        if (withBuffer)
        {
            int id = entry.BufferId;
            ref ProvidedBuffer b = ref _provided!.Take(id, Math.Max(result, 0));
            if (result > 0 && c.State == ConnectionState.Open)
            {
                b.Held = true;
                if (c.HeldTail >= 0)
                {
                    _provided[c.HeldTail].Next = id;
                }
                else
                {
                    c.HeldHead = id;
                }

                c.HeldTail = id;
                c.HeldCount++;
            }
            else
            {
                GiveBack(id); // the connection is closing: nobody will read these bytes
            }
        }

        if (c.State != ConnectionState.Open)
        {
            if (!more)
            {
                TryFree(index);
            }

            return;
        }

        bool ringWasEmpty = false;
        if (result == 0 && !withBuffer)
        {
            c.StashEndOfStream = true;
        }
        else if (result < 0)
        {
            int errno = -result;
            if (more || errno is Errno.ECANCELED or Errno.EINTR or Errno.EAGAIN)
            {
                // Transient inside a live arm, or the arm was cancelled (held queue full): re-armed on demand.
            }
            else if (errno == Errno.ENOBUFS)
            {
                ringWasEmpty = true;
                Count(IoCounter.ReceiveBuffersExhausted);
            }
            else
            {
                c.ReceiveError = errno;
            }
        }

        if (c.HeldCount >= _heldPerConnectionMax && c.ReceiveArm.IsArmed)
        {
            if (!c.ReceiveArm.Cancelled)
            {
                Count(IoCounter.ReceivePauses);
            }

            CancelArm(ref c.ReceiveArm, index);
        }

        if (c.Read.State == LaneState.WaitingOnArm)
        {
            if (c.HeldCount > 0 || c.StashEndOfStream || c.ReceiveError != 0 || !c.ReceiveArm.IsArmed)
            {
                ServeReceive(index, ringWasEmpty);
            }
        }
    }

    /// <summary>Collect: a provided buffer whose isolate has handled its completion goes back unless bytes of it are still held.</summary>
    private void ReturnHandledProvided(int id)
    {
        ref ProvidedBuffer b = ref _provided![id];
        b.Listed = false;
        b.LentTo = Handle.None;
        if (!b.Held)
        {
            GiveBack(id);
        }
    }

    private void GiveBack(int id)
    {
        _provided!.Release(id);
        _backend.ReturnProvidedBuffer((ushort)id);
    }

    /// <summary>The bytes a completion lent from a provided buffer, for the isolate it was lent to.</summary>
    private ReadOnlySpan<byte> ProvidedData(int id, Handle self, scoped in IoCompletion completion)
    {
        if (_provided is null || (uint)id >= (uint)_provided.Count)
        {
            return ReadOnlySpan<byte>.Empty;
        }

        ref ProvidedBuffer b = ref _provided[id];
        if (!b.Listed || b.LentTo != self || b.Generation != completion.BufferGeneration
            || completion.BufferOffset + completion.Transferred > b.Length)
        {
            return ReadOnlySpan<byte>.Empty;
        }

        return _backend.GetProvidedBuffer((ushort)id, completion.BufferOffset + completion.Transferred).Slice(completion.BufferOffset);
    }
}
