using System;
using Tina.Io.Buffers;

namespace Tina.Io.Reactor;

/// <remarks>
/// Receive buffers taken on readiness (backends with <see cref="IoBackendCapabilities.ReceiveBufferOnReadiness"/>:
/// epoll). A one-shot receive is submitted without a buffer; the backend parks it until the socket is readable and
/// only then asks here for a pool buffer, which is recorded on the receive's lane (so the completion, an abandon and
/// a close find it exactly as if it had been taken at submission). A read that finds nothing gives the buffer back at
/// once. An idle connection therefore holds no buffer: only bytes that have arrived do. Shard thread only.
/// <para>Waiting for a buffer. A receive that finds the pool empty (at submission, or on readiness: the backend's
/// ENOBUFS) does not fail: its lane goes to <see cref="LaneState.BackingOff"/> (nothing in the backend; an abandon,
/// timeout or close only forgets the waiter, as for an accept waiting on its timer) and its connection joins a FIFO
/// of waiters, so the first to wait is the first served and none is starved. At the end of every Collect (when
/// buffers come back: handled completions, finished sends) as many waiters are resubmitted as buffers are free.
/// The wait is bounded by the receive's own timeout; counted in <see cref="IoCounter.BufferWaits"/>.</para>
/// <para>Receives hold at most the pool less <see cref="IoOptions.SendReserve"/> buffers at once (the pool counts
/// what it rented for receives until each comes back); past that they wait, so the sends that answer a burst of
/// receives find buffers to copy into (a copying send cannot wait). Sends held by stuck peers do not shrink the
/// receive share: only the free count bounds it.</para>
/// </remarks>
internal sealed unsafe partial class IoReactor : IReceiveBufferSource
{
    private readonly int[] _bufferWaiters;   // FIFO ring of connection indices whose receive waits for a buffer
    private int _bufferWaitHead;
    private int _bufferWaitCount;

    /// <summary>A waiter could be served now, or once the next Collect takes back lent buffers: do not park.</summary>
    private bool BufferWaiterCanRun => _bufferWaitCount > 0 && (ReceiveRoom > 0 || _lentCount > 0);

    /// <summary>Pool buffers a receive may take now: free ones, up to the receive share (pool - <see cref="IoOptions.SendReserve"/>).</summary>
    private int ReceiveRoom => Math.Min(_buffers.FreeCount, _receiveShare - _buffers.ReceiveHeld);

    /// <summary>
    /// Rents a pool buffer for a receive, unless receives already hold their share of the pool
    /// (<see cref="IoOptions.SendReserve"/>): a receive can wait for a buffer, the send that answers it cannot.
    /// </summary>
    private bool TryRentForReceive(out int buffer)
    {
        if (ReceiveRoom <= 0)
        {
            buffer = -1;
            return false;
        }

        return _buffers.TryRentForReceive(IoBufferOwner.Kernel, out buffer);
    }

    /// <summary>The read lane's receive (isolate, sequence, maxBytes recorded) waits for a pool buffer.</summary>
    private void WaitForBuffer(int index)
    {
        ref Connection c = ref _table[index];
        ref Lane lane = ref c.Read;
        lane.State = LaneState.BackingOff;
        lane.Op = IoOpCode.Receive;
        lane.Buffer = -1;
        RecordWaiter(index, lane.Isolate, lane.IsolateSequence, IsolateIoRole.Read);
        Count(IoCounter.BufferWaits);
        if (!c.InBufferQueue)
        {
            c.InBufferQueue = true;
            _bufferWaiters[(_bufferWaitHead + _bufferWaitCount) % _bufferWaiters.Length] = index;
            _bufferWaitCount++; // at most one entry per connection: the ring (one slot each) cannot overflow
        }
    }

    /// <summary>Collect: resubmits waiting receives, oldest first, one per free buffer.</summary>
    private void ServeBufferWaiters()
    {
        int budget = ReceiveRoom;
        while (_bufferWaitCount > 0 && budget > 0)
        {
            int index = _bufferWaiters[_bufferWaitHead];
            _bufferWaitHead = (_bufferWaitHead + 1) % _bufferWaiters.Length;
            _bufferWaitCount--;
            ref Connection c = ref _table[index];
            c.InBufferQueue = false;
            ref Lane lane = ref c.Read;
            if (c.State != ConnectionState.Open || lane.State != LaneState.BackingOff || lane.Op != IoOpCode.Receive)
            {
                continue; // timed out, cancelled or closed while it waited
            }

            lane.State = LaneState.Idle;
            budget--;
            ReceiveIntoPool(index);
        }
    }

    nint IReceiveBufferSource.RentReceiveBuffer(ulong token)
    {
        int index = IoToken.Index(token);
        if ((uint)index >= (uint)_table.Capacity)
        {
            return 0;
        }

        ref Lane lane = ref _table[index].Read;
        if (lane.Token != token || lane.Buffer >= 0 || lane.State is not (LaneState.Submitted or LaneState.Abandoned))
        {
            return 0; // names no receive in flight: the backend completes it with ENOBUFS, which is then stale
        }

        if (!TryRentForReceive(out int buffer))
        {
            return 0;
        }

        lane.Buffer = buffer;
        return (nint)_buffers.Pointer(buffer);
    }

    void IReceiveBufferSource.ReturnReceiveBuffer(ulong token)
    {
        int index = IoToken.Index(token);
        if ((uint)index >= (uint)_table.Capacity)
        {
            return;
        }

        ref Lane lane = ref _table[index].Read;
        if (lane.Token == token && lane.Buffer >= 0)
        {
            _buffers.Return(lane.Buffer);
            lane.Buffer = -1;
        }
    }
}
