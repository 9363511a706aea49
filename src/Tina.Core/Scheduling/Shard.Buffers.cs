using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Tina.Memory;

namespace Tina.Scheduling;

/// <remarks>
/// <para>Buffers. A buffer's state is written only by its home shard. A remote owner hands a buffer back with a
/// BufferRelease message through the system lane (<see cref="SystemLane"/>), which never refuses it: when the system
/// ring is full it waits in the backlog and moves at a later flush, so nothing leaks.</para>
/// <para>A buffer whose owner is gone comes home on every path. An owner that exits frees or sends home what it owns
/// (<see cref="ReclaimBuffers"/>). A transfer to a local isolate that is not alive is refused (the sender keeps the
/// buffer). A transfer to a remote isolate cannot be checked at once; if its target has exited, the message that
/// carries the reference is dropped at the target's shard (stale handle, quarantine) and that shard asks the
/// sender's shard — the buffer's home, since only the home may transfer — to sweep (<see cref="RequestBufferSweep"/>).
/// A carrier refused at the sender (partition, target shard not running, ring full) is dropped by no shard, so the
/// refusal asks this shard itself to sweep (<see cref="OnRemoteSendRefused"/>).
/// The sweep frees every buffer lent out whose owner has provably exited (<see cref="HasDefinitelyExited"/>, or its
/// shard stopped or quarantined). That also covers an owner that exited before the transfer reached its shard (its
/// exit-time scan may not have seen the new owner entry yet). Freeing twice is impossible: a free bumps the buffer's
/// generation, so a release that arrives afterwards is refused as stale.</para>
/// <para>Ordering of the sweep request: the target's shard bumped the target's generation (volatile write) before it
/// read the message it drops, then sets <see cref="_bufferSweepRequested"/> (interlocked, full fence); the home takes
/// the flag with an interlocked exchange before it reads owners' generations, so it sees the exit. A sweep asked for
/// by a refusal at the sender has no such pair: on real threads it can miss an exit whose generation write is not yet
/// visible (the simulator, one thread, always sees it), so after such a refusal the shard re-sweeps every
/// <see cref="ResweepTickInterval"/> ticks until no buffer is lent to another shard; the exit's write becomes visible
/// and the buffer comes home within one interval of that, while the shard ticks.</para>
/// </remarks>
internal sealed partial class Shard
{
    // [home shard × buffer index] the generation this shard last sent home for that buffer: a release is sent once
    // per loan, so releases in the system lane toward a home never exceed its buffer count (the backlog's bound).
    private uint[] _releasedGeneration = Array.Empty<uint>();
    private int _bufferSweepRequested;   // set by any shard (interlocked), taken by this shard's tick (interlocked)
    private bool _resweepAfterRefusal;   // shard thread only: a remote send was refused while buffers were lent out

    private void AllocateReleaseMarks(int shardCount, int bufferCount) =>
        _releasedGeneration = new uint[shardCount * Math.Max(1, bufferCount)];

    public bool TryRentBuffer(out BufferRef buffer)
    {
        if (Buffers.TryRent(_invocation.Handle, out buffer))
        {
            Counters.Increment(ShardCounter.BuffersRented);
            return true;
        }

        Counters.Increment(ShardCounter.BuffersExhausted);
        return false;
    }

    public Span<byte> GetBuffer(BufferRef buffer)
    {
        int home = buffer.Shard;
        if (buffer.IsNone || (uint)home >= (uint)_peers.Length)
        {
            return Span<byte>.Empty;
        }

        return _peers[home].Buffers.SpanFor(buffer, _invocation.Handle);
    }

    /// <summary>
    /// Hands a buffer of this shard to <paramref name="to"/>. A local target that is not alive is refused, so the buffer
    /// never belongs to a handle that cannot give it back.
    /// </summary>
    public bool TransferBuffer(BufferRef buffer, Handle to) =>
        buffer.Shard == Id && (to.Shard != Id || IsAlive(to)) && Buffers.Transfer(buffer, _invocation.Handle, to);

    /// <summary>
    /// Any shard: a message from this shard that may have carried a buffer reference was dropped because its target
    /// is gone; the next tick sweeps this shard's loans (see the remarks). Wakes the shard if it is parked.
    /// </summary>
    public void RequestBufferSweep()
    {
        if (Buffers.HasRemoteLoans && Interlocked.Exchange(ref _bufferSweepRequested, 1) == 0)
        {
            Signal.Wake();
        }
    }

    /// <summary>
    /// This shard's thread: a send to another shard was refused here (partition, shard not running, ring full), so
    /// no shard will ever drop it and ask for a sweep. It may have carried a buffer just lent to a target that has
    /// already exited; the next tick sweeps. Cold path: refusals only.
    /// </summary>
    private void OnRemoteSendRefused()
    {
        if (Buffers.HasRemoteLoans)
        {
            Interlocked.Exchange(ref _bufferSweepRequested, 1);

            // On real threads the target's exit may not be visible here yet (no ordering pair orders it before this
            // sweep, unlike a drop at the target's shard), so keep re-sweeping every ResweepTickInterval ticks until
            // no buffer is lent to another shard: the exit becomes visible and its buffer comes home.
            _resweepAfterRefusal = true;
        }
    }

    /// <summary>Ticks between the re-sweeps that follow a refused remote send (see <see cref="OnRemoteSendRefused"/>).</summary>
    internal const int ResweepTickInterval = 1024;

    /// <summary>True when a sweep was requested and not yet run (work for the park decision).</summary>
    private bool BufferSweepRequested => Volatile.Read(ref _bufferSweepRequested) != 0;

    /// <summary>A dropped message from <paramref name="envelope"/>'s source shard: that shard may have lent it a buffer.</summary>
    private void OnDroppedFromPeer(in Message envelope)
    {
        int home = envelope.SourceHandle.Shard;
        if (!envelope.SourceHandle.IsNone && home != Id && (uint)home < (uint)_peers.Length)
        {
            _peers[home].RequestBufferSweep();
        }
    }

    /// <summary>Frees every buffer lent to an owner that is provably gone. O(buffer count), only when requested.</summary>
    private void SweepBuffersOfGoneOwners()
    {
        if (_resweepAfterRefusal && (_tickCount & (ResweepTickInterval - 1)) == 0)
        {
            if (Buffers.HasRemoteLoans)
            {
                Interlocked.Exchange(ref _bufferSweepRequested, 1);
            }
            else
            {
                _resweepAfterRefusal = false;
            }
        }

        // A plain read first: the tick pays no interlocked operation unless a sweep was asked for.
        if (Volatile.Read(ref _bufferSweepRequested) == 0 || Interlocked.Exchange(ref _bufferSweepRequested, 0) == 0
            || !Buffers.HasRemoteLoans)
        {
            return;
        }

        int reclaimed = 0;
        for (int index = 0; index < Buffers.Count; index++)
        {
            Handle owner = Buffers.OwnerAt(index);
            if (owner.IsNone || owner.Shard == Id)
            {
                continue; // free, or local: a local owner's exit frees its buffers itself
            }

            int shard = owner.Shard;
            if ((uint)shard >= (uint)_peers.Length
                || _peers[shard].Status is ShardStatus.Stopped or ShardStatus.Quarantined
                || _peers[shard].HasDefinitelyExited(owner))
            {
                Buffers.ReclaimAt(index);
                reclaimed++;
            }
        }

        if (reclaimed > 0)
        {
            Counters.Add(ShardCounter.BuffersReclaimed, reclaimed);
        }
    }

    public bool ReleaseBuffer(BufferRef buffer) => ReleaseBufferOf(buffer, _invocation.Handle);

    private bool ReleaseBufferOf(BufferRef buffer, Handle owner)
    {
        int home = buffer.Shard;
        if (buffer.IsNone || (uint)home >= (uint)_peers.Length)
        {
            return false;
        }

        if (home == Id)
        {
            return Buffers.Release(buffer, owner);
        }

        if (!_peers[home].Buffers.IsOwnedBy(buffer, owner))
        {
            return false;
        }

        ref uint sent = ref _releasedGeneration[(home * _peers[home].Buffers.Count) + buffer.Index];
        if (sent == buffer.Generation)
        {
            return true; // this loan's release is already on its way home
        }

        ref Message slot = ref _systemLane.Claim(home);
        if (!Unsafe.IsNullRef(ref slot))
        {
            slot.SetHeader(Handle.None, owner, MessageKind.BufferRelease, 0);
            slot.SetWord0((long)buffer.Value);
            sent = buffer.Generation;
        }

        return true;
    }

    /// <summary>An exiting isolate's buffers: local ones are freed, foreign ones are sent home.</summary>
    private int ReclaimBuffers(Handle owner)
    {
        int reclaimed = Buffers.ReclaimOwnedBy(owner);
        Span<BufferRef> found = stackalloc BufferRef[16];
        for (int home = 0; home < _peers.Length; home++)
        {
            if (home == Id || !_peers[home].Buffers.HasRemoteLoans)
            {
                continue;
            }

            int cursor = 0;
            int count;
            do
            {
                count = _peers[home].Buffers.CollectOwnedBy(owner, found, ref cursor);
                for (int i = 0; i < count; i++)
                {
                    ReleaseBufferOf(found[i], owner);
                    reclaimed++;
                }
            }
            while (count == found.Length);
        }

        return reclaimed;
    }
}
