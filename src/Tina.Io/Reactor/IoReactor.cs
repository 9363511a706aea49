using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using System;
using Tina.Advanced;
using Tina.Io.Buffers;
using Tina.Isolates;
using Tina.Scheduling;

namespace Tina.Io.Reactor;

/// <summary>
/// A shard's I/O reactor: the connection table, the native buffer pool and the operations in flight, over one
/// <see cref="IIoBackend"/> (io_uring, epoll, IOCP or the simulator). Created on the shard's thread at its first
/// tick and driven only by it; only <see cref="Wake"/> is called from other threads.
/// </summary>
/// <remarks>
/// <para>Per tick: Collect (step 2) takes back buffers lent to isolates that have handled their completion, retries
/// accepts whose back-off timer is due, then drains the backend and turns each completion into an
/// <see cref="IoCompletion"/> through <see cref="Shard.CompleteIo{T}"/> (or releases what a stale one carries).
/// During dispatch the context's I/O methods stage operations here; Flush (step 4) turns them into submissions (or
/// completes them at once: listen, stale handles, full pools) and hands the batch to the backend.</para>
/// <para>One operation per isolate (the shard's rule), and per connection one per lane: the read lane carries
/// Accept and Receive, the write lane Connect and Send, so one isolate may receive while another sends. Tokens are
/// described in <see cref="IoToken"/>.</para>
/// <para>Nothing here allocates per operation: tables, lists, the buffer pool and the provided-buffer ledger are sized at creation, and the two
/// growable lists (staged operations, submissions the backend could not take yet) only grow to their high-water
/// mark.</para>
/// <para>Split by role: this file holds state and the tick; <c>IoReactor.Staging.cs</c> what the context stages and
/// Flush turns into submissions; <c>IoReactor.Completions.cs</c> completions; <c>IoReactor.Connections.cs</c>
/// opening, closing, abandoning and handing off connections; <c>IoReactor.Multishot.cs</c> and
/// <c>IoReactor.MultishotReceive.cs</c> the multishot accept and receive arms.</para>
/// </remarks>
internal sealed unsafe partial class IoReactor : IShardReactor
{
    /// <summary>Bytes of socket-address space per connection (sockaddr_in6 is 28).</summary>
    private const int AddressStride = 32;

    /// <summary>Backend batches drained per Collect at most, so one busy tick cannot starve the rest of the shard.</summary>
    private const int CollectRoundsMax = 8;

    private readonly ReactorHost _shard;
    private readonly IIoBackend _backend;
    private readonly ISocketLayer _sockets;
    private readonly IoBufferPool _buffers;
    private readonly ConnectionTable _table;
    private readonly byte* _addresses;               // AddressStride bytes per connection: the Connect sockaddr
    private readonly IsolateIo[][] _isolates;        // [type][slot]: the operation each isolate waits for, its sockets
    private readonly IoCompletionEntry[] _completions; // Collect's batch
    private readonly int[] _lent;                    // buffers lent to isolates, returned once handled
    private readonly int[] _backoff;                 // listener entries whose Accept waits on a timer
    private readonly long[] _counters;
    private readonly long _acceptBackoffNanoseconds;
    private readonly int _batchSize;
    private readonly bool _multishotAccept;          // the backend runs AcceptMultishot: one arm per listener
    private readonly AcceptOverflowPolicy _acceptOverflow; // what a multishot accept does when the table is truly full
    private readonly int _acceptQueueLimit;          // most descriptors one listener's queue may hold (table + slack)
    private int _acceptQueuedTotal;                  // descriptors queued on every listener: each is promised an entry
    private long _overloadLogAt;                     // no overload warning before this time (one per interval)
    private long _overloadSinceLog;                  // refusals and pauses since the last overload warning
    private readonly ProvidedBufferLedger? _provided;  // the backend's provided receive buffers; null: one-shot receives
    private readonly int _heldPerConnectionMax;      // provided buffers one connection may hold before its arm pauses
    private readonly int _sendBuffersMax;            // pool buffers one copying send may take (IoOptions.SendBuffersPerConnection)
    private readonly int _receiveShare;              // most pool buffers receives hold at once (pool - IoOptions.SendReserve)
    private readonly bool _bufferOnReadiness;        // one-shot receives go in without a buffer (IoReactor.ReceiveBuffers.cs)
    private StagedOp[] _staged;                      // operations staged this tick (and carried ones), in order
    private int _invocationStart;                    // _staged index of the current invocation's first operation
    private long _nextDeadlineAt = long.MaxValue;    // no operation timeout or idle deadline is due before this (ns)
    private IoSubmission[] _pending;                 // submissions for the next backend Submit
    private int _stagedCount;
    private int _pendingCount;
    private int _lentCount;
    private int _backoffCount;
    private int _reservedCount;                      // entries reserved for one-shot accepts in flight (not live yet)
    private int _disposed;                           // 1 once Dispose began; read by wakers (volatile)
    private int _activeWakers;                       // threads inside Wake; Dispose waits for 0 (interlocked)

    public IoReactor(ReactorHost shard, IIoBackend backend, ISocketLayer sockets, IoOptions options, string selection)
    {
        _shard = shard;
        _backend = backend;
        _sockets = sockets;
        _buffers = new IoBufferPool(options.BufferCount, options.BufferSize);
        _table = new ConnectionTable(options.ConnectionCapacity);
        _addresses = (byte*)NativeMemory.AllocZeroed((nuint)options.ConnectionCapacity * AddressStride);
        _batchSize = options.SubmissionBatchSize;
        _multishotAccept = (backend.Capabilities & IoBackendCapabilities.MultishotAccept) != 0;
        _sendBuffersMax = options.SendBuffersPerConnection > 0 ? options.SendBuffersPerConnection : Math.Max(1, options.BufferCount / 4);
        _receiveShare = options.BufferCount - (options.SendReserve > 0 ? options.SendReserve : options.BufferCount / 2);
        _acceptOverflow = options.AcceptOverflowPolicy;
        _acceptQueueLimit = options.ConnectionCapacity + AcceptQueueMaximum;
        _completions = new IoCompletionEntry[_batchSize];
        _staged = new StagedOp[Math.Min(_batchSize, 64)];
        _pending = new IoSubmission[_batchSize];
        if ((backend.Capabilities & IoBackendCapabilities.MultishotReceive) != 0 && backend.ProvidedBufferCount > 0)
        {
            _provided = new ProvidedBufferLedger(backend.ProvidedBufferCount, backend.ProvidedBufferSize);
            _heldPerConnectionMax = options.ReceiveBuffersPerConnection > 0
                ? Math.Min(options.ReceiveBuffersPerConnection, backend.ProvidedBufferCount)
                : Math.Max(2, backend.ProvidedBufferCount / 16);
        }

        _bufferOnReadiness = (backend.Capabilities & IoBackendCapabilities.ReceiveBufferOnReadiness) != 0;
        if (_bufferOnReadiness)
        {
            backend.AttachReceiveBuffers(this);
        }

        _lent = new int[options.BufferCount + (_provided?.Count ?? 0)]; // pool indices, then Count + provided id
        _backoff = new int[options.ConnectionCapacity];
        _bufferWaiters = new int[options.ConnectionCapacity];
        _counters = new long[(int)IoCounter.Count];
        _acceptBackoffNanoseconds = options.AcceptBackoff.Ticks * 100;
        _idleTimeoutNanoseconds = options.IdleTimeout.Ticks * 100;
        _receiveTimeoutNanoseconds = options.ReceiveTimeout.Ticks * 100;
        _sendTimeoutNanoseconds = options.SendTimeout.Ticks * 100;
        _isolates = new IsolateIo[shard.TypeCount][];
        for (int type = 0; type < _isolates.Length; type++)
        {
            var records = new IsolateIo[shard.SlotCount(type)];
            for (int slot = 0; slot < records.Length; slot++)
            {
                records[slot].OwnedHead = -1;
                records[slot].Read.Clear();
                records[slot].Write.Clear();
                records[slot].Control.Clear();
            }

            _isolates[type] = records;
        }

        BackendName = backend.Name;
        shard.Log(
            TinaLogLevel.Information, Handle.None,
            $"I/O reactor: {backend.Name} ({backend.Features}); {selection}; {options.BufferSize} B buffers; connections, buffers",
            options.ConnectionCapacity, options.BufferCount, TinaEvent.IoReactorStarted);
    }

    public string BackendName { get; }

    public ReactorHost Shard => _shard;

    public IoBufferPool Buffers => _buffers;

    public ConnectionTable Table => _table;

    public IIoBackend Backend => _backend;

    /// <summary>True when listeners use one multishot accept each (no entry is reserved ahead of an accepted connection).</summary>
    public bool UsesMultishotAccept => _multishotAccept;

    public int BufferSize => _buffers.Size;

    public long Read(IoCounter counter) => Volatile.Read(ref _counters[(int)counter]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Count(IoCounter counter) => _counters[(int)counter]++;

    public IoStats Snapshot()
    {
        var values = new long[(int)IoCounter.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Volatile.Read(ref _counters[i]);
        }

        // Read from any thread: the counts are ints the shard thread writes, so a read is a recent value, never torn.
        return new IoStats(
            _shard.ShardId, BackendName, values, _table.LiveCount - _reservedCount, _buffers.FreeCount, _buffers.Count,
            _provided?.InHand ?? 0, _provided?.Count ?? 0);
    }

    /// <summary>Tick step 2.</summary>
    public int Collect()
    {
        if (_lentCount > 0)
        {
            ReturnHandledBuffers();
        }

        if (_backoffCount > 0)
        {
            RetryDueAccepts();
        }

        int collected = 0;
        for (int round = 0; round < CollectRoundsMax; round++)
        {
            int count = _backend.Collect(_completions);
            for (int i = 0; i < count; i++)
            {
                OnCompletion(in _completions[i]);
            }

            collected += count;
            if (count < _completions.Length)
            {
                break;
            }
        }

        _counters[(int)IoCounter.Completions] += collected;
        ResyncIfCompletionsLost();
        ServeBufferWaiters();
        if (_nextDeadlineAt <= _shard.NowNanoseconds)
        {
            SweepDeadlines(); // after the drain: a completion that came in time wins over its timeout
        }

        return collected;
    }

    /// <summary>Tick step 4.</summary>
    public void Flush()
    {
        if (_stagedCount > 0)
        {
            ProcessStaged();
        }

        if (_pendingCount > 0)
        {
            SubmitPending();
        }

        _backend.Flush();
    }

    public long NextDeadlineNanoseconds => Math.Min(_backoffCount > 0 ? NextBackoffDeadline() : long.MaxValue, _nextDeadlineAt);

    public bool HasCompletions() =>
        _pendingCount > 0 || _backend.HasCompletions() || (_backoffCount > 0 && NextBackoffDeadline() <= _shard.NowNanoseconds)
        || BufferWaiterCanRun
        || _nextDeadlineAt <= _shard.NowNanoseconds;

    /// <summary>The shard's timeout already counts <see cref="NextDeadlineNanoseconds"/> (the accept back-off).</summary>
    public void Wait(long timeoutNanoseconds) => _backend.Wait(timeoutNanoseconds);

    /// <summary>Any thread. A wake racing with Dispose is dropped, never sent to a closed (or reused) descriptor.</summary>
    public void Wake()
    {
        Interlocked.Increment(ref _activeWakers);
        if (Volatile.Read(ref _disposed) == 0)
        {
            _backend.Wake();
        }

        Interlocked.Decrement(ref _activeWakers);
    }

    /// <summary>
    /// Closes every socket, waits a bounded time for the backend to give back what it holds, then releases the
    /// backend, the buffers and the address space. Memory the kernel might still write is leaked rather than freed.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        SpinWait spin = default;
        while (Volatile.Read(ref _activeWakers) != 0)
        {
            spin.SpinOnce();
        }

        CloseEverything();
        _backend.Dispose();
        bool idle = !AnyLaneBusy();
        _buffers.Release(force: idle);
        if (idle)
        {
            NativeMemory.Free(_addresses);
        }
    }

    private void CloseEverything()
    {
        for (int index = 0; index < _table.Capacity; index++)
        {
            ConnectionState state = _table[index].State;
            if (state is ConnectionState.Open or ConnectionState.Listener)
            {
                BeginClose(index, Handle.None, 0);
            }
        }

        for (int round = 0; round < 200 && (AnyLaneBusy() || _pendingCount > 0 || AnyClosing()); round++)
        {
            SubmitPending();
            _backend.Flush();
            int count = _backend.Collect(_completions);
            for (int i = 0; i < count; i++)
            {
                OnCompletion(in _completions[i]);
            }

            if (count == 0)
            {
                _backend.Wait(1_000_000);
            }
        }
    }

    private bool AnyLaneBusy()
    {
        for (int index = 0; index < _table.Capacity; index++)
        {
            ref Connection c = ref _table[index];
            if (c.Read.State is LaneState.Submitted or LaneState.Abandoned || c.Write.State is LaneState.Submitted or LaneState.Abandoned
                || c.AcceptArm.IsArmed || c.ReceiveArm.IsArmed)
            {
                return true;
            }
        }

        return false;
    }

    private bool AnyClosing()
    {
        for (int index = 0; index < _table.Capacity; index++)
        {
            if (_table[index].State == ConnectionState.Closing)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Hands the pending submissions to the backend in batches; what it refuses waits for the next Flush.</summary>
    private void SubmitPending()
    {
        int offset = 0;
        while (offset < _pendingCount)
        {
            int chunk = Math.Min(_batchSize, _pendingCount - offset);
            int accepted = _backend.Submit(new ReadOnlySpan<IoSubmission>(_pending, offset, chunk));
            Debug.Assert(accepted >= 0 && accepted <= chunk, "a backend accepts part of a batch at most");
            offset += accepted;
            _counters[(int)IoCounter.Submissions] += accepted;
            if (accepted < chunk)
            {
                break;
            }
        }

        int left = _pendingCount - offset;
        if (left > 0 && offset > 0)
        {
            Array.Copy(_pending, offset, _pending, 0, left);
        }

        _pendingCount = left;
    }

    /// <summary>Queues one submission for this tick's Flush.</summary>
    private void Enqueue(in IoSubmission submission)
    {
        if (_pendingCount == _pending.Length)
        {
            Array.Resize(ref _pending, _pending.Length * 2); // grows to the high-water mark only
        }

        _pending[_pendingCount++] = submission;
    }

    private void EnqueueCancel(int descriptor, int index, ulong target)
    {
        Enqueue(new IoSubmission
        {
            Token = IoToken.Pack(isInternal: true, IoOpCode.Cancel, index, 0, 0),
            Op = IoOpCode.Cancel,
            Descriptor = descriptor,
            TargetToken = target,
        });
    }

    /// <summary>Gives back buffers whose isolates have handled (or can no longer handle) the completion that lent them.</summary>
    private void ReturnHandledBuffers()
    {
        int kept = 0;
        for (int i = 0; i < _lentCount; i++)
        {
            int buffer = _lent[i];
            if (buffer >= _buffers.Count)
            {
                ref ProvidedBuffer b = ref _provided![buffer - _buffers.Count];
                if (IsCompletionPending(b.LentTo, b.LentSequence) || IsKept(buffer))
                {
                    _lent[kept++] = buffer;
                }
                else
                {
                    ReturnHandledProvided(buffer - _buffers.Count);
                }
            }
            else if (IsCompletionPending(_buffers.LentTo(buffer), _buffers.LentSequence(buffer)) || IsKept(buffer))
            {
                _lent[kept++] = buffer;
            }
            else
            {
                _buffers.Return(buffer);
            }
        }

        _lentCount = kept;
    }

    /// <summary>
    /// True while the isolate still has the completion of that I/O sequence waiting in its reply slot, or held Ready
    /// in its record (a full-duplex completion that came while it was not waiting).
    /// </summary>
    private bool IsCompletionPending(Handle isolate, uint sequence)
    {
        if (!_shard.IsAlive(isolate))
        {
            return false;
        }

        if (_shard.HasIoCompletionReady(isolate, sequence))
        {
            return true;
        }

        return IsOwnIsolate(isolate) && IsHeldReady(ref RecordOf(isolate), sequence);
    }

    private void LendBuffer(int buffer, Handle isolate, uint sequence)
    {
        _buffers.Lend(buffer, isolate, sequence);
        Debug.Assert(_lentCount < _lent.Length, "each buffer is lent once at most");
        _lent[_lentCount++] = buffer;
    }

    /// <summary>The received bytes of a completion, for the isolate it was lent to, during the invocation handling it.</summary>
    public ReadOnlySpan<byte> ReceivedData(Handle self, scoped in IoCompletion completion)
    {
        int buffer = completion.Buffer;
        if (buffer >= _buffers.Count)
        {
            return ProvidedData(buffer - _buffers.Count, self, in completion);
        }

        if ((uint)buffer >= (uint)_buffers.Count
            || _buffers.OwnerOf(buffer) != IoBufferOwner.Isolate
            || _buffers.LentTo(buffer) != self
            || _buffers.GenerationOf(buffer) != completion.BufferGeneration)
        {
            return ReadOnlySpan<byte>.Empty;
        }

        return _buffers.Span(buffer, completion.Transferred);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref IsolateIo RecordOf(Handle isolate) => ref _isolates[isolate.Type][isolate.Slot];

    private bool IsOwnIsolate(Handle isolate) =>
        !isolate.IsNone && isolate.Shard == _shard.ShardId && (uint)isolate.Type < (uint)_isolates.Length
        && (uint)isolate.Slot < (uint)_isolates[isolate.Type].Length;

    private void DeliverError(Handle isolate, uint sequence, IoOperation operation, IoResult error, SocketHandle socket, int transferred = 0)
    {
        if (error.Kind == IoErrorKind.TimedOut)
        {
            Count(IoCounter.TimedOut);
        }
        else if (error.Kind == IoErrorKind.Cancelled)
        {
            Count(IoCounter.Cancelled);
        }

        Deliver(isolate, sequence, new IoCompletion(operation, error, socket, transferred, -1, 0));
    }

    private SocketHandle HandleOf(int index) => SocketHandle.Pack(_shard.ShardId, index, _table[index].Generation);

    private static IoOperation OperationOf(IoOpCode op) => op switch
    {
        IoOpCode.Accept => IoOperation.Accept,
        IoOpCode.Connect => IoOperation.Connect,
        IoOpCode.Receive => IoOperation.Receive,
        IoOpCode.Send => IoOperation.Send,
        IoOpCode.Close => IoOperation.Close,
        _ => IoOperation.None,
    };
}
