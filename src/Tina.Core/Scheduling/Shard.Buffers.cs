using System;
using System.Runtime.CompilerServices;
using Tina.Memory;

namespace Tina.Scheduling;

/// <remarks>
/// Buffers. A buffer's state is written only by its home shard. A remote owner hands a buffer back with a
/// BufferRelease message through the ring; if the ring is full the release waits in a bounded pending list and is
/// retried every tick, so nothing leaks.
/// </remarks>
internal sealed partial class Shard
{
    private BufferRef[] _pendingReleases = Array.Empty<BufferRef>();  // releases the ring refused, retried each tick
    private Handle[] _pendingReleaseOwners = Array.Empty<Handle>();
    private int _pendingReleaseCount;

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

    public bool TransferBuffer(BufferRef buffer, Handle to) =>
        buffer.Shard == Id && Buffers.Transfer(buffer, _currentHandle, to);

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
