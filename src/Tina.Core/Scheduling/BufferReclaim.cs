using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Tina.Diagnostics;
using Tina.Memory;

namespace Tina.Scheduling;

/// <summary>
/// How one shard's buffers come home: the releases it sends to other homes (once per loan), the sweep other shards
/// ask of it when a message that may carry one of its buffers is dropped, and the re-sweep after a refused send.
/// The buffers themselves are the <see cref="BufferPool"/>'s.
/// </summary>
/// <remarks>
/// <para>A buffer's state is written only by its home shard. A remote owner hands a buffer back with a
/// BufferRelease message through the system lane (<see cref="SystemLane"/>), which never refuses it: when the system
/// ring is full it waits in the backlog and moves at a later flush, so nothing leaks.</para>
/// <para>A buffer whose owner is gone comes home on every path. An owner that exits frees or sends home what it owns
/// (<see cref="ReclaimOwnedBy"/>). A transfer to a local isolate that is not alive is refused (the sender keeps the
/// buffer). A transfer to a remote isolate cannot be checked at once; if its target has exited, the message that
/// carries the reference is dropped at the target's shard (stale handle, quarantine) and that shard asks the
/// sender's shard — the buffer's home, since only the home may transfer — to sweep (<see cref="RequestSweep"/>).
/// A carrier refused at the sender (partition, target shard not running, ring full) is dropped by no shard, so the
/// refusal asks this shard itself to sweep (<see cref="OnRemoteSendRefused"/>).
/// The sweep frees every buffer lent out whose owner has provably exited (<see cref="Shard.HasDefinitelyExited"/>, or its
/// shard stopped or quarantined). That also covers an owner that exited before the transfer reached its shard (its
/// exit-time scan may not have seen the new owner entry yet). Freeing twice is impossible: a free bumps the buffer's
/// generation, so a release that arrives afterwards is refused as stale.</para>
/// <para>Ordering of the sweep request: the target's shard bumped the target's generation (volatile write) before it
/// read the message it drops, then sets the sweep flag (interlocked, full fence); the home takes
/// the flag with an interlocked exchange before it reads owners' generations, so it sees the exit. A sweep asked for
/// by a refusal at the sender has no such pair: on real threads it can miss an exit whose generation write is not yet
/// visible (the simulator, one thread, always sees it), so after such a refusal the shard re-sweeps every
/// <see cref="ResweepTickInterval"/> ticks until no buffer is lent to another shard; the exit's write becomes visible
/// and the buffer comes home within one interval of that, while the shard ticks.</para>
/// <para>Invariants. A release is sent home once per loan (the release marks), so releases in the system lane toward
/// a home never exceed its buffer count (the backlog's bound). The sweep flag is the only field another thread
/// writes; the marks and the re-sweep flag are the owning shard's alone.</para>
/// </remarks>
internal sealed class BufferReclaim
{
    /// <summary>Ticks between the re-sweeps that follow a refused remote send (see <see cref="OnRemoteSendRefused"/>).</summary>
    internal const int ResweepTickInterval = 1024;

    private readonly int _id;
    private readonly BufferPool _buffers;   // this shard's own buffers
    private readonly ShardCounters _counters;
    private readonly ShardSignal _signal;
    private readonly SystemLane _systemLane;
    private Shard[] _peers = Array.Empty<Shard>();

    // [home shard × buffer index] the generation this shard last sent home for that buffer: a release is sent once
    // per loan, so releases in the system lane toward a home never exceed its buffer count (the backlog's bound).
    private uint[] _releasedGeneration = Array.Empty<uint>();
    private int _sweepRequested;         // set by any shard (interlocked), taken by this shard's tick (interlocked)
    private bool _resweepAfterRefusal;   // shard thread only: a remote send was refused while buffers were lent out

    public BufferReclaim(int id, BufferPool buffers, ShardCounters counters, ShardSignal signal, SystemLane systemLane)
    {
        _id = id;
        _buffers = buffers;
        _counters = counters;
        _signal = signal;
        _systemLane = systemLane;
    }

    /// <summary>Wires the peers (their pools and liveness); called once at boot.</summary>
    public void Connect(Shard[] peers)
    {
        _peers = peers;
        _releasedGeneration = new uint[peers.Length * Math.Max(1, _buffers.Count)];
    }

    /// <summary>True when a sweep was requested and not yet run (work for the park decision).</summary>
    public bool SweepRequested => Volatile.Read(ref _sweepRequested) != 0;

    /// <summary>
    /// Any shard: a message from this shard that may have carried a buffer reference was dropped because its target
    /// is gone; the next tick sweeps this shard's loans (see the remarks). Wakes the shard if it is parked.
    /// </summary>
    public void RequestSweep()
    {
        if (_buffers.HasRemoteLoans && Interlocked.Exchange(ref _sweepRequested, 1) == 0)
        {
            _signal.Wake();
        }
    }

    /// <summary>
    /// This shard's thread: a send to another shard was refused here (partition, shard not running, ring full), so
    /// no shard will ever drop it and ask for a sweep. It may have carried a buffer just lent to a target that has
    /// already exited; the next tick sweeps. Cold path: refusals only.
    /// </summary>
    public void OnRemoteSendRefused()
    {
        if (_buffers.HasRemoteLoans)
        {
            Interlocked.Exchange(ref _sweepRequested, 1);

            // On real threads the target's exit may not be visible here yet (no ordering pair orders it before this
            // sweep, unlike a drop at the target's shard), so keep re-sweeping every ResweepTickInterval ticks until
            // no buffer is lent to another shard: the exit becomes visible and its buffer comes home.
            _resweepAfterRefusal = true;
        }
    }

    /// <summary>A dropped message from <paramref name="envelope"/>'s source shard: that shard may have lent it a buffer.</summary>
    public void OnDroppedFromPeer(in Message envelope)
    {
        int home = envelope.SourceHandle.Shard;
        if (!envelope.SourceHandle.IsNone && home != _id && (uint)home < (uint)_peers.Length)
        {
            _peers[home].BufferReclaim.RequestSweep();
        }
    }

    /// <summary>Frees every buffer lent to an owner that is provably gone. O(buffer count), only when requested.</summary>
    public void Sweep(long tickCount)
    {
        if (_resweepAfterRefusal && (tickCount & (ResweepTickInterval - 1)) == 0)
        {
            if (_buffers.HasRemoteLoans)
            {
                Interlocked.Exchange(ref _sweepRequested, 1);
            }
            else
            {
                _resweepAfterRefusal = false;
            }
        }

        // A plain read first: the tick pays no interlocked operation unless a sweep was asked for.
        if (Volatile.Read(ref _sweepRequested) == 0 || Interlocked.Exchange(ref _sweepRequested, 0) == 0
            || !_buffers.HasRemoteLoans)
        {
            return;
        }

        int reclaimed = 0;
        for (int index = 0; index < _buffers.Count; index++)
        {
            Handle owner = _buffers.OwnerAt(index);
            if (owner.IsNone || owner.Shard == _id)
            {
                continue; // free, or local: a local owner's exit frees its buffers itself
            }

            int shard = owner.Shard;
            if ((uint)shard >= (uint)_peers.Length
                || _peers[shard].Status is ShardStatus.Stopped or ShardStatus.Quarantined
                || _peers[shard].HasDefinitelyExited(owner))
            {
                _buffers.ReclaimAt(index);
                reclaimed++;
            }
        }

        if (reclaimed > 0)
        {
            _counters.Add(ShardCounter.BuffersReclaimed, reclaimed);
        }
    }

    /// <summary>
    /// <paramref name="owner"/> (on this shard) gives <paramref name="buffer"/> back: freed here when this shard is its
    /// home, else sent home once per loan through the system lane. False when the owner does not own it.
    /// </summary>
    public bool Release(BufferRef buffer, Handle owner)
    {
        int home = buffer.Shard;
        if (buffer.IsNone || (uint)home >= (uint)_peers.Length)
        {
            return false;
        }

        if (home == _id)
        {
            return _buffers.Release(buffer, owner);
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
    public int ReclaimOwnedBy(Handle owner)
    {
        int reclaimed = _buffers.ReclaimOwnedBy(owner);
        Span<BufferRef> found = stackalloc BufferRef[16];
        for (int home = 0; home < _peers.Length; home++)
        {
            if (home == _id || !_peers[home].Buffers.HasRemoteLoans)
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
                    Release(found[i], owner);
                    reclaimed++;
                }
            }
            while (count == found.Length);
        }

        return reclaimed;
    }
}
