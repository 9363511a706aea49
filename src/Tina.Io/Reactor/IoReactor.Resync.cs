using Tina.Io.Buffers;
using Tina.Io.Interop;

namespace Tina.Io.Reactor;

/// <remarks>
/// <para>Lost completions. A backend can report that the kernel dropped completions
/// (<see cref="IIoBackend.CompletionLossEvents"/>; io_uring: EBADR when its CQ overflowed and the overflow could not
/// be buffered). Which ones is not said, and an operation whose final completion is gone would keep its lane busy
/// forever. So at the next Collect the reactor resyncs: every operation it has in the backend (lanes submitted or
/// abandoned, multishot arms, closes) is cancelled by token under a resync token that names the entry, what was
/// cancelled, and the target's 16-bit sequence. A cancel that finds its target (0, EALREADY) means the target's own
/// completion is still to come (ECANCELED is then handled as any unrequested cancel: resubmitted or re-armed). One
/// that finds nothing (ENOENT) while the target is still the one in flight means its completion was lost: a waiter
/// gets <see cref="IoErrorKind.CompletionLost"/>, a buffer or reservation it held is released (the kernel is done
/// with the operation), and the backend forgets it (<see cref="IIoBackend.ForgetLostOperation"/>).</para>
/// <para>A multishot receive's lost completions may have carried bytes: its stream is undefined, so every
/// connection whose receive was armed at a loss reports CompletionLost after the bytes it holds (conservative: a
/// connection the loss did not touch is failed too). A lost multishot accept completion leaks the descriptor it
/// carried; the listener goes on. Provided buffers that lost completions carried are gone from the ring.</para>
/// </remarks>
internal sealed unsafe partial class IoReactor
{
    /// <summary><see cref="Connection.ReceiveError"/> for a stream whose multishot completions may have been lost.</summary>
    private const int ReceiveCompletionLost = -1;

    private const uint ResyncReadLane = 1;
    private const uint ResyncWriteLane = 2;
    private const uint ResyncAcceptArm = 3;
    private const uint ResyncReceiveArm = 4;
    private const uint ResyncClose = 5;

    private long _lossEventsSeen;   // the backend's CompletionLossEvents at the last resync

    /// <summary>Collect: the backend reported dropped completions since the last look.</summary>
    private void ResyncIfCompletionsLost()
    {
        long events = _backend.CompletionLossEvents;
        if (events == _lossEventsSeen)
        {
            return;
        }

        _lossEventsSeen = events;
        Count(IoCounter.CompletionResyncs);
        _shard.Log(TinaLogLevel.Warning, Handle.None, "I/O backend dropped completions; resyncing operations in flight (events)", events, 0, TinaEvent.IoCompletionsLost);
        for (int index = 0; index < _table.Capacity; index++)
        {
            ref Connection c = ref _table[index];
            if (c.State == ConnectionState.Free)
            {
                continue;
            }

            ResyncLane(index, ref c.Read, ResyncReadLane);
            ResyncLane(index, ref c.Write, ResyncWriteLane);
            if (c.AcceptArm.IsArmed)
            {
                EnqueueResync(index, ResyncAcceptArm, c.AcceptArm.Token);
            }

            if (c.ReceiveArm.IsArmed)
            {
                EnqueueResync(index, ResyncReceiveArm, c.ReceiveArm.Token);
                if (c.State == ConnectionState.Open && c.ReceiveError == 0 && !c.StashEndOfStream)
                {
                    c.ReceiveError = ReceiveCompletionLost; // bytes may have gone with the lost completions
                    Count(IoCounter.CompletionsLost);
                }
            }

            if (c.State == ConnectionState.Closing && !c.CloseDone && c.CloseToken != 0 && !IsPending(c.CloseToken))
            {
                EnqueueResync(index, ResyncClose, c.CloseToken);
            }
        }
    }

    private void ResyncLane(int index, ref Lane lane, uint kind)
    {
        if (lane.State is LaneState.Submitted or LaneState.Abandoned && !IsPending(lane.Token))
        {
            EnqueueResync(index, kind, lane.Token);
        }
    }

    /// <summary>True when the token's submission has not reached the backend yet (nothing to lose).</summary>
    private bool IsPending(ulong token)
    {
        for (int i = 0; i < _pendingCount; i++)
        {
            if (_pending[i].Token == token)
            {
                return true;
            }
        }

        return false;
    }

    private void EnqueueResync(int index, uint kind, ulong target)
    {
        Enqueue(new IoSubmission
        {
            Token = IoToken.Pack(isInternal: true, IoOpCode.Cancel, index, kind, IoToken.Sequence(target)),
            Op = IoOpCode.Cancel,
            Descriptor = _table[index].Descriptor,
            TargetToken = target,
        });
    }

    /// <summary>True for the completion of a resync cancel (ordinary cancels carry generation 0).</summary>
    private static bool IsResyncToken(ulong token) => IoToken.Op(token) == IoOpCode.Cancel && IoToken.Generation(token) != 0;

    /// <summary>A resync cancel came back: ENOENT with its target still in flight means the target's completion was lost.</summary>
    private void OnResyncCancel(int index, ulong token, int result)
    {
        if (result != -Errno.ENOENT)
        {
            return; // found and cancelled (or running): the target's own completion is on its way
        }

        ref Connection c = ref _table[index];
        ushort sequence = IoToken.Sequence(token);
        switch (IoToken.Generation(token))
        {
            case ResyncReadLane:
            case ResyncWriteLane:
                bool read = IoToken.Generation(token) == ResyncReadLane;
                ref Lane lane = ref read ? ref c.Read : ref c.Write;
                if (lane.State is LaneState.Submitted or LaneState.Abandoned && lane.Sequence == sequence)
                {
                    DeclareLaneLost(index, read);
                }

                break;
            case ResyncAcceptArm:
                if (c.AcceptArm.IsArmed && IoToken.Sequence(c.AcceptArm.Token) == sequence)
                {
                    DeclareLost();
                    OnArmedAccept(index, new IoCompletionEntry { Token = c.AcceptArm.Token, Result = -Errno.ECANCELED });
                }

                break;
            case ResyncReceiveArm:
                if (c.ReceiveArm.IsArmed && IoToken.Sequence(c.ReceiveArm.Token) == sequence)
                {
                    _backend.ForgetLostOperation(); // counted when its stream was marked lost
                    OnArmedReceive(index, new IoCompletionEntry { Token = c.ReceiveArm.Token, Result = -Errno.ECANCELED });
                }

                break;
            case ResyncClose:
                if (c.State == ConnectionState.Closing && !c.CloseDone && c.CloseToken != 0)
                {
                    DeclareLost();
                    OnInternalCompletion(index, IoOpCode.Close, c.CloseToken, 0); // the close itself had finished
                }

                break;
            default:
                break;
        }
    }

    private void DeclareLost()
    {
        Count(IoCounter.CompletionsLost);
        _backend.ForgetLostOperation();
    }

    /// <summary>A lane's operation finished in the kernel but its completion is gone: fail its waiter, release what it held.</summary>
    private void DeclareLaneLost(int index, bool read)
    {
        DeclareLost();
        ref Connection c = ref _table[index];
        ref Lane lane = ref read ? ref c.Read : ref c.Write;
        if (lane.State == LaneState.Abandoned)
        {
            OnAbandonedCompletion(index, read, -Errno.ECANCELED); // nobody waits: release, free a closing entry
            return;
        }

        Handle isolate = lane.Isolate;
        uint sequence = lane.IsolateSequence;
        IoOpCode op = lane.Op;
        int transferred = lane.Offset;
        if (op == IoOpCode.Accept)
        {
            ReleaseReservation(ref lane);
        }
        else
        {
            ReturnLaneBuffer(ref lane);
        }

        lane.Reset();
        SocketHandle socket = op == IoOpCode.Connect ? SocketHandle.None : HandleOf(index);
        if (op == IoOpCode.Connect && c.State == ConnectionState.Open)
        {
            BeginClose(index, Handle.None, 0); // the socket was never handed out
        }

        DeliverError(isolate, sequence, OperationOf(op), IoResult.FromError(IoErrorKind.CompletionLost), socket, transferred);
    }
}
