using System;
using System.Diagnostics;
using Tina.Io.Buffers;

namespace Tina.Io.Reactor;

/// <remarks>
/// Staging. A context method names the operation with <see cref="Scheduling.Shard.TryBeginIo"/> and records it here;
/// nothing reaches the backend during dispatch. At Flush each staged operation whose isolate still waits on it
/// becomes a submission, or completes at once (listen, stale handles, a full table or pool); one whose lane still
/// holds an abandoned operation stays staged until that operation's completion frees the lane.
/// </remarks>
internal sealed unsafe partial class IoReactor
{
    public void StageListen(Handle isolate, uint sequence, in IoAddress address, int port, int backlog, bool reusePort)
    {
        ref StagedOp op = ref Stage(isolate, sequence, IoOperation.Listen);
        op.Address = address;
        op.Port = port;
        op.Backlog = backlog;
        op.ReusePort = reusePort;
    }

    public void StageAccept(Handle isolate, uint sequence, SocketHandle listener)
    {
        ref StagedOp op = ref Stage(isolate, sequence, IoOperation.Accept);
        op.Socket = listener;
    }

    public void StageConnect(Handle isolate, uint sequence, in IoAddress address, int port)
    {
        ref StagedOp op = ref Stage(isolate, sequence, IoOperation.Connect);
        op.Address = address;
        op.Port = port;
    }

    public void StageReceive(Handle isolate, uint sequence, SocketHandle socket, int maxBytes)
    {
        ref StagedOp op = ref Stage(isolate, sequence, IoOperation.Receive);
        op.Socket = socket;
        op.Length = Math.Min(maxBytes, _buffers.Size); // never more than the buffer slot the kernel writes into
    }

    /// <summary>
    /// Copies the payload (the parts one after another: a gather send) into pool buffers now, so the caller's spans
    /// need not outlive the invocation. A payload larger than one buffer takes a chain of them, written in order as
    /// one send; a payload over the per-connection cap (<see cref="IoOptions.SendBuffersPerConnection"/>) fails with
    /// TooLarge, and when the pool cannot hold all of it now with BuffersExhausted (nothing is sent either way).
    /// </summary>
    public void StageSend(Handle isolate, uint sequence, SocketHandle socket, ReadOnlySpan<byte> data, ReadOnlySpan<byte> second = default, ReadOnlySpan<byte> third = default)
    {
        ref StagedOp op = ref Stage(isolate, sequence, IoOperation.Send);
        op.Socket = socket;
        long total = (long)data.Length + second.Length + third.Length;
        int size = _buffers.Size;
        if (total > (long)_sendBuffersMax * size)
        {
            Count(IoCounter.SendsTooLarge); // the per-connection cap: one send never takes the pool from the others
            op.ImmediateError = IoErrorKind.TooLarge;
            return;
        }

        op.Length = (int)total;
        if (total == 0)
        {
            return;
        }

        if (!_buffers.TryRentChain(IoBufferOwner.Reactor, (int)((total + size - 1) / size), out int first))
        {
            Count(IoCounter.BuffersExhausted);
            op.ImmediateError = IoErrorKind.BuffersExhausted;
            return;
        }

        op.Buffer = first;
        int buffer = first;
        int at = 0;
        CopyIntoChain(data, ref buffer, ref at);
        CopyIntoChain(second, ref buffer, ref at);
        CopyIntoChain(third, ref buffer, ref at);
    }

    /// <summary>Copies <paramref name="part"/> into the chain at (buffer, at), stepping to the next buffer when one fills.</summary>
    private void CopyIntoChain(ReadOnlySpan<byte> part, ref int buffer, ref int at)
    {
        int size = _buffers.Size;
        while (!part.IsEmpty)
        {
            if (at == size)
            {
                buffer = _buffers.NextOf(buffer);
                at = 0;
            }

            int take = Math.Min(part.Length, size - at);
            part[..take].CopyTo(new Span<byte>(_buffers.Pointer(buffer) + at, take));
            part = part[take..];
            at += take;
        }
    }

    /// <summary>
    /// A send straight from memory the isolate owns (a pinned shard buffer it rented): no copy. The isolate must not
    /// write or release that memory until the send's completion.
    /// </summary>
    public void StageSendOwned(Handle isolate, uint sequence, SocketHandle socket, nint data, int length)
    {
        ref StagedOp op = ref Stage(isolate, sequence, IoOperation.Send);
        op.Socket = socket;
        op.Length = length;
        op.External = data;
    }

    /// <summary>A bare wait for the isolate's outstanding operations (<see cref="IoContextExtensions.WaitForIo"/>).</summary>
    public void StageWait(Handle isolate, uint sequence) => Stage(isolate, sequence, IoOperation.None);

    public void StageClose(Handle isolate, uint sequence, SocketHandle socket, bool abortive = false)
    {
        ref StagedOp op = ref Stage(isolate, sequence, IoOperation.Close);
        op.Socket = socket;
        op.Abortive = abortive;
    }

    private ref StagedOp Stage(Handle isolate, uint sequence, IoOperation kind)
    {
        if (_stagedCount == _staged.Length)
        {
            Array.Resize(ref _staged, _staged.Length * 2); // grows to the high-water mark only
        }

        ref StagedOp op = ref _staged[_stagedCount++];
        op = default;
        op.Isolate = isolate;
        op.Sequence = sequence;
        op.Kind = kind;
        op.Buffer = -1;
        op.Deadline = _stagingDeadline;
        ClaimLane(isolate, sequence, kind);
        return ref op;
    }

    private void ReleaseStaged(ref StagedOp op)
    {
        if (op.Buffer >= 0)
        {
            _buffers.ReturnChain(op.Buffer);
            op.Buffer = -1;
        }
    }

    /// <summary>Flush: every staged operation becomes a submission or a completion, or waits for its lane.</summary>
    private void ProcessStaged()
    {
        int count = _stagedCount;
        int kept = 0;
        for (int i = 0; i < count; i++)
        {
            ref StagedOp op = ref _staged[i];
            if (!IsStagedLive(in op))
            {
                ReleaseStaged(ref op); // abandoned (cancel, exit) before it was submitted
                continue;
            }

            if (op.Deadline > 0 && op.Deadline <= _shard.NowNanoseconds && op.Kind != IoOperation.None)
            {
                ReleaseStaged(ref op); // timed out while its connection lane still held an abandoned operation
                DeliverError(op.Isolate, op.Sequence, op.Kind, IoResult.FromError(IoErrorKind.TimedOut), op.Socket);
            }
            else if (!TryStart(ref op))
            {
                _staged[kept++] = op; // its lane still holds an abandoned operation: try again next Flush
                NoteDeadline(op.Deadline);
            }

            DeliverReady(op.Isolate); // a completion held while the isolate was busy goes out now that it waits
        }

        // Operations staged while processing (none today) would sit after `count`; keep them.
        int added = _stagedCount - count;
        if (added > 0)
        {
            Array.Copy(_staged, count, _staged, kept, added);
        }

        _stagedCount = kept + added;
    }

    /// <summary>Starts one staged operation. False when it must wait for its lane.</summary>
    private bool TryStart(ref StagedOp op)
    {
        if (op.ImmediateError != IoErrorKind.None)
        {
            ReleaseStaged(ref op);
            DeliverError(op.Isolate, op.Sequence, op.Kind, IoResult.FromError(op.ImmediateError), op.Socket);
            return true;
        }

        switch (op.Kind)
        {
            case IoOperation.Listen:
                StartListen(in op);
                return true;
            case IoOperation.Connect:
                StartConnect(in op);
                return true;
            case IoOperation.Accept:
                return StartAccept(ref op);
            case IoOperation.Receive:
                return StartReceive(ref op);
            case IoOperation.Send:
                return StartSend(ref op);
            case IoOperation.Close:
                StartClose(in op);
                return true;
            case IoOperation.None:
                return true; // a bare wait: DeliverReady (in ProcessStaged) or a later completion ends it
            default:
                Debug.Fail("unknown staged operation");
                return true;
        }
    }

    private void StartListen(in StagedOp op)
    {
        int error = _sockets.OpenListener(in op.Address, op.Port, op.Backlog, op.ReusePort, out int descriptor);
        if (error != 0)
        {
            DeliverError(op.Isolate, op.Sequence, IoOperation.Listen, IoResult.FromOsError(error), SocketHandle.None);
            return;
        }

        if (!_table.TryAllocate(out int index))
        {
            _sockets.CloseUnregistered(descriptor);
            Count(IoCounter.ConnectionTableFull);
            DeliverError(op.Isolate, op.Sequence, IoOperation.Listen, IoResult.FromError(IoErrorKind.ConnectionTableFull), SocketHandle.None);
            return;
        }

        Install(index, descriptor, ConnectionState.Listener, op.Isolate);
        _table[index].AcceptHighWater = Math.Clamp(op.Backlog, AcceptQueueMinimum, AcceptQueueMaximum);
        SocketHandle listener = HandleOf(index);
        if (!Deliver(op.Isolate, op.Sequence, new IoCompletion(IoOperation.Listen, IoResult.FromBytes(0), listener, 0, -1, 0)))
        {
            BeginClose(index, Handle.None, 0);
        }
    }

    private void StartConnect(in StagedOp op)
    {
        int error = _sockets.OpenStream(in op.Address, out int descriptor);
        if (error != 0)
        {
            DeliverError(op.Isolate, op.Sequence, IoOperation.Connect, IoResult.FromOsError(error), SocketHandle.None);
            return;
        }

        if (!_table.TryAllocate(out int index))
        {
            _sockets.CloseUnregistered(descriptor);
            Count(IoCounter.ConnectionTableFull);
            DeliverError(op.Isolate, op.Sequence, IoOperation.Connect, IoResult.FromError(IoErrorKind.ConnectionTableFull), SocketHandle.None);
            return;
        }

        Install(index, descriptor, ConnectionState.Open, op.Isolate);
        byte* address = _addresses + ((nint)index * AddressStride);
        int length = _sockets.EncodeAddress(in op.Address, op.Port, address, AddressStride);
        SubmitOnLane(index, read: false, IoOpCode.Connect, op.Isolate, op.Sequence, buffer: -1, offset: 0, length: 0, (nint)address, length);
        ArmTimeout(ref _table[index].Write, op.Deadline);
    }

    private bool StartAccept(ref StagedOp op)
    {
        if (!Resolve(op.Socket, out int listener) || _table[listener].State != ConnectionState.Listener)
        {
            DeliverError(op.Isolate, op.Sequence, IoOperation.Accept, IoResult.FromError(IoErrorKind.StaleConnection), op.Socket);
            return true;
        }

        ref Lane lane = ref _table[listener].Read;
        if (lane.State == LaneState.Abandoned)
        {
            return false;
        }

        if (lane.State != LaneState.Idle)
        {
            DeliverError(op.Isolate, op.Sequence, IoOperation.Accept, IoResult.FromError(IoErrorKind.Busy), op.Socket);
            return true;
        }

        lane.Isolate = op.Isolate;
        lane.IsolateSequence = op.Sequence;
        ArmTimeout(ref lane, op.Deadline);
        TrySubmitAccept(listener);
        return true;
    }

    private bool StartReceive(ref StagedOp op)
    {
        if (!Resolve(op.Socket, out int index) || _table[index].State != ConnectionState.Open)
        {
            DeliverError(op.Isolate, op.Sequence, IoOperation.Receive, IoResult.FromError(IoErrorKind.StaleConnection), op.Socket);
            return true;
        }

        ref Connection c = ref _table[index];
        if (c.Read.State == LaneState.Abandoned)
        {
            return false;
        }

        if (c.Read.State != LaneState.Idle)
        {
            DeliverError(op.Isolate, op.Sequence, IoOperation.Receive, IoResult.FromError(IoErrorKind.Busy), op.Socket);
            return true;
        }

        if (c.StashBuffer >= 0)
        {
            // Bytes a timed-out receive brought in late: the stream continues where it left off.
            int buffer = c.StashBuffer;
            int length = c.StashLength;
            c.StashBuffer = -1;
            c.StashLength = 0;
            LendBuffer(buffer, op.Isolate, op.Sequence);
            _counters[(int)IoCounter.BytesReceived] += length;
            var completion = new IoCompletion(IoOperation.Receive, IoResult.FromBytes(length), op.Socket, length, buffer, _buffers.GenerationOf(buffer));
            if (!Deliver(op.Isolate, op.Sequence, in completion))
            {
                // Still lent; the next Collect returns it.
            }

            return true;
        }

        c.Read.Isolate = op.Isolate;
        c.Read.IsolateSequence = op.Sequence;
        c.Read.Length = op.Length;
        ArmTimeout(ref c.Read, op.Deadline);
        if (_provided is not null)
        {
            ServeReceive(index);
        }
        else if (!TryDeliverStreamEnd(index))
        {
            ReceiveIntoPool(index);
        }

        return true;
    }

    /// <summary>
    /// Reports the end of the stream (the peer's close, or the error that ended a multishot receive) to the read
    /// lane's waiter; false when the stream has not ended. Callers check it only once no received byte is left.
    /// </summary>
    private bool TryDeliverStreamEnd(int index)
    {
        ref Connection c = ref _table[index];
        if (!c.StashEndOfStream && c.ReceiveError == 0)
        {
            return false;
        }

        ref Lane lane = ref c.Read;
        Handle isolate = lane.Isolate;
        uint sequence = lane.IsolateSequence;
        lane.Reset();
        IoResult outcome = c.ReceiveError == ReceiveCompletionLost ? IoResult.FromError(IoErrorKind.CompletionLost)
            : c.ReceiveError != 0 ? IoResult.FromOsError(c.ReceiveError) : IoResult.FromBytes(0);
        Deliver(isolate, sequence, new IoCompletion(IoOperation.Receive, outcome, HandleOf(index), 0, -1, 0));
        return true;
    }

    /// <summary>
    /// A one-shot receive for the read lane's waiter into a buffer of the reactor's pool (at most the lane's maxBytes,
    /// never more than the slot); with the pool empty it waits for a buffer (IoReactor.ReceiveBuffers.cs).
    /// </summary>
    private void ReceiveIntoPool(int index)
    {
        ref Lane lane = ref _table[index].Read;
        if (_bufferOnReadiness)
        {
            // The backend takes the buffer when bytes are there (IoReactor.ReceiveBuffers.cs): idle costs none.
            SubmitOnLane(index, read: true, IoOpCode.Receive, lane.Isolate, lane.IsolateSequence, -1, 0, lane.Length, 0, 0);
            return;
        }

        if (!TryRentForReceive(out int buffer))
        {
            WaitForBuffer(index);
            return;
        }

        SubmitOnLane(index, read: true, IoOpCode.Receive, lane.Isolate, lane.IsolateSequence, buffer, 0, lane.Length, 0, 0);
    }

    private bool StartSend(ref StagedOp op)
    {
        if (!Resolve(op.Socket, out int index) || _table[index].State != ConnectionState.Open)
        {
            ReleaseStaged(ref op);
            DeliverError(op.Isolate, op.Sequence, IoOperation.Send, IoResult.FromError(IoErrorKind.StaleConnection), op.Socket);
            return true;
        }

        ref Lane lane = ref _table[index].Write;
        if (lane.State == LaneState.Abandoned)
        {
            return false;
        }

        if (lane.State != LaneState.Idle)
        {
            ReleaseStaged(ref op);
            DeliverError(op.Isolate, op.Sequence, IoOperation.Send, IoResult.FromError(IoErrorKind.Busy), op.Socket);
            return true;
        }

        if (op.Length == 0)
        {
            Deliver(op.Isolate, op.Sequence, new IoCompletion(IoOperation.Send, IoResult.FromBytes(0), op.Socket, 0, -1, 0));
            return true;
        }

        int buffer = op.Buffer;
        op.Buffer = -1; // the lane owns it now
        lane.External = op.External;
        SubmitOnLane(index, read: false, IoOpCode.Send, op.Isolate, op.Sequence, buffer, 0, op.Length, 0, 0);
        ArmTimeout(ref lane, op.Deadline);
        return true;
    }

    private void StartClose(in StagedOp op)
    {
        if (!Resolve(op.Socket, out int index))
        {
            DeliverError(op.Isolate, op.Sequence, IoOperation.Close, IoResult.FromError(IoErrorKind.StaleConnection), op.Socket);
            return;
        }

        if (op.Abortive)
        {
            SetAbortive(index);
        }

        BeginClose(index, op.Isolate, op.Sequence);
    }

    /// <summary>
    /// Puts an operation in flight on a lane: a fresh sequence and token, the waiting isolate recorded, the buffer
    /// handed to the kernel, the submission queued for this tick's Flush.
    /// </summary>
    private void SubmitOnLane(int index, bool read, IoOpCode op, Handle isolate, uint sequence, int buffer, int offset, int length, nint address, int addressLength)
    {
        ref Connection c = ref _table[index];
        ref Lane lane = ref read ? ref c.Read : ref c.Write;
        Debug.Assert(lane.State is LaneState.Idle or LaneState.Submitted or LaneState.BackingOff or LaneState.WaitingOnArm, "one operation per lane");
        lane.State = LaneState.Submitted;
        lane.Op = op;
        lane.Sequence++;
        lane.Token = IoToken.Pack(isInternal: false, op, index, c.Generation, lane.Sequence);
        lane.Isolate = isolate;
        lane.IsolateSequence = sequence;
        lane.Buffer = buffer;
        lane.Offset = offset;
        lane.Length = length;
        RecordWaiter(index, isolate, sequence, read ? IsolateIoRole.Read : IsolateIoRole.Write);

        nint data = 0;
        int submitted = length;
        if (op == IoOpCode.Send)
        {
            // A payload larger than a buffer is a chain: lane.Buffer is the part being written, offset the bytes
            // written of the whole payload, so the part's own offset is offset % size (OnSend steps to the next part).
            int local = buffer >= 0 ? offset % _buffers.Size : offset;
            submitted = buffer >= 0 ? Math.Min(_buffers.Size - local, length - offset) : length - offset;
            data = buffer >= 0 ? (nint)(_buffers.Pointer(buffer) + local) : lane.External + offset;
            if (buffer >= 0)
            {
                _buffers.SetOwner(buffer, IoBufferOwner.Kernel);
            }
        }
        else if (buffer >= 0)
        {
            _buffers.SetOwner(buffer, IoBufferOwner.Kernel);
            data = (nint)(_buffers.Pointer(buffer) + offset);
        }

        Enqueue(new IoSubmission
        {
            Token = lane.Token,
            Op = op,
            Descriptor = c.Descriptor,
            Buffer = data,
            Length = submitted,
            Address = address,
            AddressLength = addressLength,
        });
    }

    /// <summary>Submits the lane's operation again under a new sequence (the rest of a partial send, a cancelled re-arm).</summary>
    private void Resubmit(int index, bool read)
    {
        ref Connection c = ref _table[index];
        ref Lane lane = ref read ? ref c.Read : ref c.Write;
        Debug.Assert(lane.Op is IoOpCode.Receive or IoOpCode.Send or IoOpCode.Accept, "connects are not resubmitted");
        SubmitOnLane(index, read, lane.Op, lane.Isolate, lane.IsolateSequence, lane.Buffer, lane.Offset, lane.Length, 0, 0);
    }

    /// <summary>True when the handle names a live (listening or open) entry of this shard's table.</summary>
    private bool Resolve(SocketHandle socket, out int index)
    {
        index = socket.Index;
        if (socket.IsNone || socket.Shard != _shard.ShardId || (uint)index >= (uint)_table.Capacity)
        {
            return false;
        }

        ref Connection c = ref _table[index];
        return c.Generation == socket.Generation && c.State is ConnectionState.Open or ConnectionState.Listener;
    }
}
