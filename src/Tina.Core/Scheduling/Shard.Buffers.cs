using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Tina.Memory;

namespace Tina.Scheduling;

/// <remarks>
/// <para>Buffers. A buffer's state is written only by its home shard. A remote owner hands a buffer back with a
/// BufferRelease message through the ring; if the ring is full the release waits in a bounded pending list and is
/// retried every tick, so nothing leaks.</para>
/// <para>A buffer whose owner is gone comes home on every path. An owner that exits frees or sends home what it owns
/// (<see cref="ReclaimBuffers"/>). A transfer to a local isolate that is not alive is refused (the sender keeps the
/// buffer). A transfer to a remote isolate cannot be checked at once; if its target has exited, the message that
/// carries the reference is dropped at the target's shard (stale handle, quarantine) and that shard asks the
/// sender's shard — the buffer's home, since only the home may transfer — to sweep (<see cref="RequestBufferSweep"/>).
/// The sweep frees every buffer lent out whose owner has provably exited (<see cref="HasDefinitelyExited"/>, or its
/// shard stopped or quarantined). That also covers an owner that exited before the transfer reached its shard (its
/// exit-time scan may not have seen the new owner entry yet). Freeing twice is impossible: a free bumps the buffer's
/// generation, so a release that arrives afterwards is refused as stale.</para>
/// <para>Ordering of the sweep request: the target's shard bumped the target's generation (volatile write) before it
/// read the message it drops, then sets <see cref="_bufferSweepRequested"/> (interlocked, full fence); the home takes
/// the flag with an interlocked exchange before it reads owners' generations, so it sees the exit.</para>
/// </remarks>
internal sealed partial class Shard
{
    private BufferRef[] _pendingReleases = Array.Empty<BufferRef>();  // releases the ring refused, retried each tick
    private Handle[] _pendingReleaseOwners = Array.Empty<Handle>();
    private int _pendingReleaseCount;
    private int _bufferSweepRequested;   // set by any shard (interlocked), taken by this shard's tick (interlocked)

    private void AllocatePendingReleases(int shardCount, int bufferCount)
    {
        int capacity = Math.Max(1, (shardCount - 1) * bufferCount);
        _pendingReleases = new BufferRef[capacity];
        _pendingReleaseOwners = new Handle[capacity];
    }

    public bool TryRentBuffer(out BufferRef buffer)
    {
        if (Buffers.TryRent(_currentHandle, out buffer))
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

        return _peers[home].Buffers.SpanFor(buffer, _currentHandle);
    }

    /// <summary>
    /// Hands a buffer of this shard to <paramref name="to"/>. A local target that is not alive is refused, so the buffer
    /// never belongs to a handle that cannot give it back.
    /// </summary>
    public bool TransferBuffer(BufferRef buffer, Handle to) =>
        buffer.Shard == Id && (to.Shard != Id || IsAlive(to)) && Buffers.Transfer(buffer, _currentHandle, to);

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

    public bool ReleaseBuffer(BufferRef buffer) => ReleaseBufferOf(buffer, _currentHandle);

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

        if (!TrySendRelease(buffer, owner) && _pendingReleaseCount < _pendingReleases.Length)
        {
            _pendingReleases[_pendingReleaseCount] = buffer;
            _pendingReleaseOwners[_pendingReleaseCount] = owner;
            _pendingReleaseCount++;
        }

        return true;
    }

    private bool TrySendRelease(BufferRef buffer, Handle owner)
    {
        ref Message slot = ref ClaimRemoteSystem(buffer.Shard);
        if (Unsafe.IsNullRef(ref slot))
        {
            return false;
        }

        slot.SetHeader(Handle.None, owner, MessageKind.BufferRelease, 0);
        slot.SetWord0((long)buffer.Value);
        return true;
    }

    private void RetryPendingReleases()
    {
        int kept = 0;
        for (int i = 0; i < _pendingReleaseCount; i++)
        {
            if (_peers[_pendingReleases[i].Shard].Status is ShardStatus.Quarantined or ShardStatus.Stopped)
            {
                continue; // its home will never run again: nothing to give back, and waiting would keep this shard awake
            }

            if (!TrySendRelease(_pendingReleases[i], _pendingReleaseOwners[i]))
            {
                _pendingReleases[kept] = _pendingReleases[i];
                _pendingReleaseOwners[kept] = _pendingReleaseOwners[i];
                kept++;
            }
        }

        _pendingReleaseCount = kept;
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
