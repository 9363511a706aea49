using System;
using Tina.Isolates;
using Tina.Messaging;
using Tina.Supervision;

namespace Tina.Scheduling;

/// <remarks>
/// Spawn and exit. A spawn takes a free slot of the type (LIFO), constructs a fresh instance and, when there is a
/// start message, queues it first. An exit — Done, Crash, an exception, a cancellation — tears down that isolate
/// only: owed replies and queued calls fail their callers at once, queued mail is dropped and counted, its timers are
/// cancelled, its buffers reclaimed, its watchers told, and the slot's generation is bumped so every old handle is
/// stale. Then its supervisor, if any, decides what happens next.
/// </remarks>
internal sealed partial class Shard
{
    /// <summary>Spawns an isolate of <paramref name="typeIndex"/> on this shard, with an optional start payload.</summary>
    public SpawnResult Spawn<TStart>(int typeIndex, Handle parent, in TStart start, bool hasStart)
        where TStart : unmanaged
    {
        Message envelope = default;
        if (hasStart)
        {
            envelope.SetPayload(in start);
        }

        return SpawnEnvelope(typeIndex, parent, in envelope, hasStart, supervisorNode: -1, childIndex: 0, systemStart: false);
    }

    /// <summary>
    /// The one spawn path: user spawns, remote spawn requests and supervisor (re)starts. The start envelope's payload
    /// (and type tag) become the Start message when <paramref name="hasStart"/>. <paramref name="systemStart"/> is true
    /// when the start message is system traffic that may take the pool's reserve: a start that arrived cross-shard
    /// (already accepted by its sender) or a supervisor's restart.
    /// </summary>
    private SpawnResult SpawnEnvelope(int typeIndex, Handle parent, in Message start, bool hasStart, int supervisorNode, int childIndex, bool systemStart)
    {
        if ((uint)typeIndex >= (uint)_types.Length)
        {
            Counters.Increment(ShardCounter.SpawnFailures);
            return new SpawnResult(Handle.None, SpawnStatus.UnknownType);
        }

        if (!AcceptsNewWork)
        {
            Counters.Increment(ShardCounter.SpawnFailures);
            return new SpawnResult(Handle.None, SpawnStatus.NotAccepting);
        }

        if (_runtime.Faults is { } faults && faults.FailSpawn(Id, typeIndex))
        {
            Counters.Increment(ShardCounter.SpawnFailures);
            return new SpawnResult(Handle.None, SpawnStatus.InitFailed);
        }

        IsolateTable table = _types[typeIndex];
        int slot = table.TryAllocate(out Exception? constructorFailure);
        if (slot == IsolateTable.ConstructorFailed)
        {
            // The constructor is user code: its throw ends this spawn as a Panicked start would, and nothing else.
            Counters.Increment(ShardCounter.SpawnFailures);
            Counters.Increment(ShardCounter.IsolatesPanicked);
            Log(TinaLogLevel.Error, Handle.None, constructorFailure?.Message ?? "isolate constructor threw", typeIndex, 0, TinaEvent.ConstructorFailed);
            return new SpawnResult(Handle.None, SpawnStatus.ConstructorFailed);
        }

        if (slot < 0)
        {
            Counters.Increment(ShardCounter.SpawnFailures);
            return new SpawnResult(Handle.None, SpawnStatus.SlotsExhausted);
        }

        Handle handle = table.HandleOf(Id, slot);
        ref IsolateMeta meta = ref table.Meta[slot];
        meta.Parent = parent;
        meta.SupervisorNode = supervisorNode;
        meta.ChildIndex = childIndex;
        if (hasStart)
        {
            int index = systemStart ? Pool.TryRentSystem() : Pool.TryRentUser();
            if (index < 0)
            {
                table.Release(slot);
                Counters.Increment(ShardCounter.SpawnFailures);
                return new SpawnResult(Handle.None, SpawnStatus.PoolExhausted);
            }

            ref Message envelope = ref Pool.Slots[index];
            envelope = start;
            envelope.SetHeader(handle, parent, MessageKind.Start, 0);
            table.MailboxPush(slot, index);
            table.Schedule(slot);
            Counters.Increment(ShardCounter.StartMessagesQueued);
        }

        Counters.Increment(ShardCounter.IsolatesSpawned);
        _runtime.Observer?.OnSpawn(Id, handle, parent);
        return new SpawnResult(handle, SpawnStatus.Ok);
    }

    /// <summary>Spawns from a request envelope (another shard's SpawnOn): the payload becomes the start message.</summary>
    private void SpawnFromRequest(ref Message request)
    {
        Counters.Increment(ShardCounter.SpawnRequestsReceived);
        SpawnEnvelope(request.TargetHandle.Type, request.SourceHandle, in request, request.Auxiliary != 0, supervisorNode: -1, childIndex: 0, systemStart: true);
    }

    /// <summary>Exit with the default failure for owed calls (NoReply).</summary>
    private void Exit(IsolateTable table, int slot, Handle self, ExitOutcome outcome, int reason, Exception? exception) =>
        Exit(table, slot, self, outcome, reason, exception, CallStatus.NoReply);

    /// <summary>Tears an isolate down. <paramref name="exception"/> is set for Panicked.</summary>
    private void Exit(IsolateTable table, int slot, Handle self, ExitOutcome outcome, int reason, Exception? exception, CallStatus failWith)
    {
        ref IsolateMeta meta = ref table.Meta[slot];
        Handle previous = _invocation.Handle;
        _invocation.Handle = self;
        if (meta.State == IsolateState.WaitingForIo)
        {
            AbandonIo(table, slot, self, IoAbandonReason.Exited);
        }
        else if (meta.State == IsolateState.WaitingForReply)
        {
            Counters.Increment(ShardCounter.CallsAbandoned); // its outcome will arrive late and be dropped as stale
        }

        _reactor?.OnIsolateExit(self);

        int supervisorNode = meta.SupervisorNode;
        int childIndex = meta.ChildIndex;
        if ((meta.Flags & IsolateFlags.Cancelling) != 0 && outcome == ExitOutcome.Ok && (meta.Flags & IsolateFlags.ShuttingDown) == 0)
        {
            outcome = ExitOutcome.Cancelled;
            reason = meta.CancelReason;
        }

        if (_shutdown.CountExit())
        {
            failWith = failWith == CallStatus.NoReply ? CallStatus.ShuttingDown : failWith;
        }

        // Calls this isolate owes fail now, not at their callers' timeouts.
        int owedBase = slot * table.OwedMax;
        for (int i = 0; i < meta.OwedCount; i++)
        {
            ReplyToken token = table.Owed[owedBase + i];
            table.Owed[owedBase + i] = default;
            SendFailure(token.Caller, token.Correlation, failWith);
        }

        meta.OwedCount = 0;
        meta.PendingCorrelation = 0;
        meta.CallTimer = TimerId.None;
        Timers.CancelAll(ref meta.TimerHead);

        while (meta.MailboxCount > 0)
        {
            int index = table.MailboxPop(slot);
            ref Message queued = ref Pool.Slots[index];
            if (queued.KindValue == MessageKind.Call)
            {
                SendFailure(queued.SourceHandle, queued.Correlation, failWith);
            }

            Pool.Return(index);
            Counters.Increment(ShardCounter.TeardownDrops);
        }

        meta.Flags &= ~(IsolateFlags.ReplyReady | IsolateFlags.ResumePending | IsolateFlags.Yielded | IsolateFlags.Cancelling | IsolateFlags.ShuttingDown);
        int reclaimed = ReclaimBuffers(self);
        if (reclaimed > 0)
        {
            Counters.Add(ShardCounter.BuffersReclaimed, reclaimed);
        }

        CountExit(self, outcome, reason, exception);
        _watches.NotifyWatchers(ref meta.WatchHead, self, outcome, reason);
        _watches.ReclaimWatching(ref meta.WatchingHead);

        // Nothing may stay queued to a slot being freed: the next TryAllocate would zero the count and its pool slots
        // would be lost for good. Nothing should arrive after the drain above (a self-watch is refused, Downs skip
        // the exiting isolate), but whatever did is returned here, never dropped silently.
        while (meta.MailboxCount > 0)
        {
            Pool.Return(table.MailboxPop(slot));
            Counters.Increment(ShardCounter.TeardownDrops);
        }

        table.Release(slot);
        _runtime.Observer?.OnExit(Id, self, outcome, reason);
        _invocation.Handle = previous;

        if (supervisorNode >= 0)
        {
            _supervision.OnExit(supervisorNode, childIndex, self, outcome);
        }
    }

    private void CountExit(Handle self, ExitOutcome outcome, int reason, Exception? exception)
    {
        switch (outcome)
        {
            case ExitOutcome.Ok:
                Counters.Increment(ShardCounter.IsolatesExitedOk);
                break;
            case ExitOutcome.Error:
                Counters.Increment(ShardCounter.IsolatesCrashed);
                Log(TinaLogLevel.Warning, self, "isolate crashed (reason)", reason, 0, TinaEvent.IsolateCrashed);
                break;
            case ExitOutcome.Panicked:
                Counters.Increment(ShardCounter.IsolatesPanicked);
                Log(TinaLogLevel.Error, self, exception?.Message ?? "isolate panicked", 0, 0, TinaEvent.IsolatePanicked);
                break;
            default:
                Counters.Increment(ShardCounter.IsolatesCancelled);
                break;
        }
    }

    /// <summary>Tears down a live isolate named by handle (supervisor strategies, rebuilds, forced shutdown).</summary>
    private bool Terminate(Handle handle, ExitOutcome outcome, int reason, CallStatus failWith)
    {
        if (!TryResolve(handle, out IsolateTable table, out int slot))
        {
            return false;
        }

        Exit(table, slot, handle, outcome, reason, null, failWith);
        return true;
    }

    /// <summary>The timer-list head of a live owner, or a dummy for a gone one.</summary>
    internal ref int TimerHeadOf(Handle owner)
    {
        if (TryResolve(owner, out IsolateTable table, out int slot))
        {
            return ref table.Meta[slot].TimerHead;
        }

        return ref _timers.OrphanHead();
    }

    /// <summary>Delivers a system message (Down, Cancel, Shutdown) to a local isolate, using the pool reserve and mailbox headroom.</summary>
    private bool DeliverSystem<T>(Handle target, MessageKind kind, Handle source, in T payload)
        where T : unmanaged
    {
        if (!TryResolve(target, out IsolateTable table, out int slot))
        {
            return false;
        }

        var writer = new PayloadWriter<T>(source, target, in payload, kind, 0);
        return DeliverSystemCore(table, slot, ref writer) == SendResult.Ok;
    }

    /// <summary>
    /// The one system-delivery path (timer firings, Down, system envelopes from rings): a pool slot from the reserve, a
    /// mailbox entry from the headroom beyond the user capacity, then queue the isolate if it is receiving.
    /// Returns PoolExhausted or MailboxFull (nothing taken) when even those are used up.
    /// </summary>
    private SendResult DeliverSystemCore<TWriter>(IsolateTable table, int slot, scoped ref TWriter writer)
        where TWriter : struct, IEnvelopeWriter, allows ref struct
    {
        int index = Pool.TryRentSystem();
        if (index < 0)
        {
            return SendResult.PoolExhausted;
        }

        writer.Write(ref Pool.Slots[index]);
        if (!table.MailboxPush(slot, index))
        {
            Pool.Return(index);
            return SendResult.MailboxFull;
        }

        if (table.Meta[slot].State == IsolateState.Receiving)
        {
            table.Schedule(slot);
        }

        return SendResult.Ok;
    }
}
