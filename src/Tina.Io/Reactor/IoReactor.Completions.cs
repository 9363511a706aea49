using System.Diagnostics;
using Tina.Io.Buffers;
using Tina.Io.Interop;

namespace Tina.Io.Reactor;

/// <remarks>
/// Completions. A completion's token names a connection entry and a lane; it counts only if that lane holds exactly
/// this token. A matching completion of a lane someone waits on becomes an <see cref="IoCompletion"/> (or a
/// resubmission: the rest of a partial send, an accept retried or paused); one of an abandoned lane only releases
/// what it carries (received bytes are kept for the connection's next receive). Anything else is stale: it is
/// counted, and an accepted descriptor it carries is closed.
/// </remarks>
internal sealed unsafe partial class IoReactor
{
    private void OnCompletion(in IoCompletionEntry entry)
    {
        ulong token = entry.Token;
        int index = IoToken.Index(token);
        IoOpCode op = IoToken.Op(token);
        if ((uint)index >= (uint)_table.Capacity)
        {
            OnStale(op, entry.Result);
            return;
        }

        if (IoToken.IsInternal(token))
        {
            if (op == IoOpCode.Accept)
            {
                OnArmedAccept(index, in entry); // the multishot accept armed on a listener
                return;
            }

            if (op == IoOpCode.Receive)
            {
                OnArmedReceive(index, in entry); // the multishot receive armed on a connection
                return;
            }

            OnInternalCompletion(index, op, token, entry.Result);
            return;
        }

        bool read = op is IoOpCode.Accept or IoOpCode.Receive;
        ref Connection c = ref _table[index];
        ref Lane lane = ref read ? ref c.Read : ref c.Write;
        if (lane.Token != token || lane.State is not (LaneState.Submitted or LaneState.Abandoned))
        {
            OnStale(op, entry.Result);
            return;
        }

        if (lane.State == LaneState.Abandoned)
        {
            OnAbandonedCompletion(index, read, entry.Result);
            return;
        }

        switch (op)
        {
            case IoOpCode.Receive:
                OnReceive(index, entry.Result);
                break;
            case IoOpCode.Send:
                OnSend(index, entry.Result);
                break;
            case IoOpCode.Accept:
                OnAccept(index, entry.Result);
                break;
            case IoOpCode.Connect:
                OnConnect(index, entry.Result);
                break;
            default:
                Debug.Fail("lane operations are accept, connect, receive and send");
                OnStale(op, entry.Result);
                break;
        }
    }

    /// <summary>A completion no lane waits for: count it; an accepted descriptor must not leak.</summary>
    private void OnStale(IoOpCode op, int result)
    {
        Count(IoCounter.StaleCompletions);
        if (op == IoOpCode.Accept && result >= 0)
        {
            _sockets.CloseUnregistered(result);
        }
    }

    private void OnInternalCompletion(int index, IoOpCode op, ulong token, int result)
    {
        ref Connection c = ref _table[index];
        if (op != IoOpCode.Close)
        {
            if (IsResyncToken(token))
            {
                OnResyncCancel(index, token, result); // after lost completions (IoReactor.Resync.cs)
            }

            return; // cancels and detaches: their effect is on other completions
        }

        if (c.State != ConnectionState.Closing || c.CloseToken != token)
        {
            Count(IoCounter.StaleCompletions);
            return;
        }

        c.CloseDone = true;
        if (!c.Closer.IsNone)
        {
            Handle closer = c.Closer;
            uint sequence = c.CloserSequence;
            c.Closer = Handle.None;
            IoResult outcome = result >= 0 ? IoResult.FromBytes(0) : IoResult.FromOsError(-result);
            SocketHandle closed = SocketHandle.Pack(_shard.ShardId, index, PreviousGeneration(c.Generation));
            Deliver(closer, sequence, new IoCompletion(IoOperation.Close, outcome, closed, 0, -1, 0));
        }

        TryFree(index);
    }

    private void ReturnLaneBuffer(ref Lane lane)
    {
        if (lane.Buffer >= 0)
        {
            _buffers.Return(lane.Buffer);
            lane.Buffer = -1;
        }
    }

    private static uint PreviousGeneration(uint generation) => generation == 1 ? uint.MaxValue : generation - 1;

    /// <summary>An operation nobody waits for finished: release its buffer, keep late bytes, close a late accept.</summary>
    private void OnAbandonedCompletion(int index, bool read, int result)
    {
        ref Connection c = ref _table[index];
        ref Lane lane = ref read ? ref c.Read : ref c.Write;
        Count(IoCounter.StaleCompletions);
        switch (lane.Op)
        {
            case IoOpCode.Receive:
                if (result > 0 && c.State == ConnectionState.Open && c.StashBuffer < 0)
                {
                    c.StashBuffer = lane.Buffer;
                    c.StashLength = result;
                    _buffers.SetOwner(lane.Buffer, IoBufferOwner.Reactor);
                    Count(IoCounter.LateReceivesKept);
                }
                else
                {
                    c.StashEndOfStream |= result == 0;
                    if (result < 0 && c.State == ConnectionState.Open && c.ReceiveError == 0
                        && -result is not (Errno.ECANCELED or Errno.EINTR or Errno.EAGAIN or Errno.ENOBUFS))
                    {
                        // A reset (say) the kernel reports once: the next receive gets it, not the EOF that follows.
                        c.ReceiveError = -result;
                    }

                    ReturnLaneBuffer(ref lane);
                }

                break;
            case IoOpCode.Send:
                _buffers.ReturnChain(lane.Buffer); // -1 for a send from the isolate's own memory
                break;
            case IoOpCode.Accept:
                if (result >= 0)
                {
                    _sockets.CloseUnregistered(result);
                }

                ReleaseReservation(ref lane);
                break;
            default:
                break;
        }

        lane.Reset();
        TryFree(index);
    }

    private void OnReceive(int index, int result)
    {
        ref Connection c = ref _table[index];
        ref Lane lane = ref c.Read;
        if (result == -Errno.ECANCELED || result == -Errno.EAGAIN || result == -Errno.EINTR)
        {
            Count(IoCounter.Resubmissions);
            Resubmit(index, read: true); // cancelled by a cancel-all this reactor did not ask for: re-arm
            return;
        }

        if (result == -Errno.ENOBUFS && _bufferOnReadiness && lane.Buffer < 0)
        {
            WaitForBuffer(index); // bytes are there but the pool was empty: wait for a buffer, bounded by the timeout
            return;
        }

        Handle isolate = lane.Isolate;
        uint sequence = lane.IsolateSequence;
        int buffer = lane.Buffer;
        lane.Reset();
        SocketHandle socket = HandleOf(index);
        if (result > 0)
        {
            LendBuffer(buffer, isolate, sequence);
            _counters[(int)IoCounter.BytesReceived] += result;
            Deliver(isolate, sequence, new IoCompletion(IoOperation.Receive, IoResult.FromBytes(result), socket, result, buffer, _buffers.GenerationOf(buffer)));
            return; // if it was stale, the buffer is still lent and the next Collect returns it
        }

        if (buffer >= 0)
        {
            _buffers.Return(buffer); // a receive whose buffer is taken on readiness has none unless bytes came
        }

        IoResult outcome = result == 0 ? IoResult.FromBytes(0) : IoResult.FromOsError(-result);
        Deliver(isolate, sequence, new IoCompletion(IoOperation.Receive, outcome, socket, 0, -1, 0));
    }

    private void OnSend(int index, int result)
    {
        ref Connection c = ref _table[index];
        ref Lane lane = ref c.Write;
        if (result == -Errno.ECANCELED || result == -Errno.EAGAIN || result == -Errno.EINTR)
        {
            Count(IoCounter.Resubmissions);
            Resubmit(index, read: false);
            return;
        }

        if (result >= 0)
        {
            lane.Offset += result;
            c.LastActivity = _shard.NowNanoseconds;
            Debug.Assert(lane.Offset <= lane.Length, "a send never writes more than it was given");
            c.SendZeroWrites = result == 0 ? (byte)(c.SendZeroWrites + 1) : (byte)0;
            if (lane.Offset < lane.Length && c.SendZeroWrites < 2)
            {
                if (result > 0 && lane.Buffer >= 0 && lane.Offset % _buffers.Size == 0)
                {
                    int done = lane.Buffer; // this part is out: go on with the chain's next buffer
                    lane.Buffer = _buffers.NextOf(done);
                    _buffers.Return(done);
                }
                else
                {
                    Count(IoCounter.PartialSends);
                }

                Resubmit(index, read: false); // after a 0-byte write, once more; a second one fails the send below
                return;
            }
        }

        Handle isolate = lane.Isolate;
        uint sequence = lane.IsolateSequence;
        int written = lane.Offset;
        int total = lane.Length;
        _counters[(int)IoCounter.BytesSent] += written;
        _buffers.ReturnChain(lane.Buffer);
        lane.Reset();
        IoResult outcome = result < 0 ? IoResult.FromOsError(-result)
            : written < total ? IoResult.FromError(IoErrorKind.NoProgress)
            : IoResult.FromBytes(total);
        if (written < total && result >= 0)
        {
            Count(IoCounter.SendsWithoutProgress);
        }

        c.SendZeroWrites = 0;
        Deliver(isolate, sequence, new IoCompletion(IoOperation.Send, outcome, HandleOf(index), written, -1, 0));
    }

    private void OnAccept(int listener, int result)
    {
        ref Lane lane = ref _table[listener].Read;
        if (result >= 0)
        {
            int index = lane.Reserved;
            Handle isolate = lane.Isolate;
            uint sequence = lane.IsolateSequence;
            lane.Reserved = -1;
            lane.Reset();
            Debug.Assert(_table[index].State == ConnectionState.Reserved, "accepts install into their reservation");
            _reservedCount--;
            _sockets.ConfigureConnection(result);
            Install(index, result, ConnectionState.Open, isolate);
            SocketHandle socket = HandleOf(index);
            if (!Deliver(isolate, sequence, new IoCompletion(IoOperation.Accept, IoResult.FromBytes(0), socket, 0, -1, 0)))
            {
                BeginClose(index, Handle.None, 0);
            }

            return;
        }

        int errno = -result;
        if (Errno.IsTransientAccept(errno) || errno == Errno.ECANCELED)
        {
            Count(IoCounter.Resubmissions);
            Resubmit(listener, read: true);
            return;
        }

        ReleaseReservation(ref lane);
        if (Errno.IsResourceExhaustion(errno))
        {
            EnterBackoff(listener);
            return;
        }

        Handle waiter = lane.Isolate;
        uint waiterSequence = lane.IsolateSequence;
        lane.Reset();
        DeliverError(waiter, waiterSequence, IoOperation.Accept, IoResult.FromOsError(errno), HandleOf(listener));
    }

    private void OnConnect(int index, int result)
    {
        ref Connection c = ref _table[index];
        ref Lane lane = ref c.Write;
        Handle isolate = lane.Isolate;
        uint sequence = lane.IsolateSequence;
        lane.Reset();
        if (result >= 0)
        {
            _sockets.ConfigureConnection(c.Descriptor);
            if (!Deliver(isolate, sequence, new IoCompletion(IoOperation.Connect, IoResult.FromBytes(0), HandleOf(index), 0, -1, 0)))
            {
                BeginClose(index, Handle.None, 0);
            }

            return;
        }

        BeginClose(index, Handle.None, 0);
        DeliverError(isolate, sequence, IoOperation.Connect, IoResult.FromOsError(-result), SocketHandle.None);
    }
}
