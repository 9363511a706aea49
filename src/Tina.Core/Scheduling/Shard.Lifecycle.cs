using System;
using Tina.Isolates;

namespace Tina.Scheduling;

/// <remarks>
/// Spawn and exit. A spawn takes a free slot of the type (LIFO), constructs a fresh instance and, when there is a
/// start message, queues it first. An exit — Done, Crash, an exception — tears down that isolate only: owed replies
/// and queued calls fail their callers with NoReply at once, queued mail is dropped and counted, its timers are
/// cancelled, its buffers reclaimed, and the slot's generation is bumped so every old handle is stale.
/// </remarks>
internal sealed partial class Shard
{
    /// <summary>Spawns an isolate of <paramref name="typeIndex"/> on this shard, with an optional start payload.</summary>
    public SpawnResult Spawn<TStart>(int typeIndex, Handle parent, in TStart start, bool hasStart)
        where TStart : unmanaged
    {
        if ((uint)typeIndex >= (uint)_types.Length)
        {
            Counters.Increment(ShardCounter.SpawnFailures);
            return new SpawnResult(Handle.None, SpawnStatus.UnknownType);
        }

        if (_runtime.Faults is { } faults && faults.FailSpawn(Id, typeIndex))
        {
            Counters.Increment(ShardCounter.SpawnFailures);
            return new SpawnResult(Handle.None, SpawnStatus.InitFailed);
        }

        IsolateTable table = _types[typeIndex];
        int slot = table.TryAllocate();
        if (slot < 0)
        {
            Counters.Increment(ShardCounter.SpawnFailures);
            return new SpawnResult(Handle.None, SpawnStatus.SlotsExhausted);
        }

        Handle handle = table.HandleOf(Id, slot);
        table.Meta[slot].Parent = parent;
        if (hasStart)
        {
            int index = Pool.TryRentUser();
            if (index < 0)
            {
                table.Release(slot);
                Counters.Increment(ShardCounter.SpawnFailures);
                return new SpawnResult(Handle.None, SpawnStatus.PoolExhausted);
            }

            ref Message envelope = ref Pool.Slots[index];
            envelope.SetHeader(handle, parent, MessageKind.Start, 0);
            envelope.SetPayload(in start);
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
        int typeIndex = request.TargetHandle.Type;
        if ((uint)typeIndex >= (uint)_types.Length)
        {
            Counters.Increment(ShardCounter.SpawnFailures);
            return;
        }

        if (_runtime.Faults is { } faults && faults.FailSpawn(Id, typeIndex))
        {
            Counters.Increment(ShardCounter.SpawnFailures);
            return;
        }

        IsolateTable table = _types[typeIndex];
        int slot = table.TryAllocate();
        if (slot < 0)
        {
            Counters.Increment(ShardCounter.SpawnFailures);
            return;
        }

        Handle handle = table.HandleOf(Id, slot);
        table.Meta[slot].Parent = request.SourceHandle;
        if (request.Auxiliary != 0)
        {
            int index = Pool.TryRentUser();
            if (index < 0)
            {
                table.Release(slot);
                Counters.Increment(ShardCounter.SpawnFailures);
                return;
            }

            ref Message envelope = ref Pool.Slots[index];
            envelope = request;
            envelope.TargetHandle = handle;
            envelope.KindValue = MessageKind.Start;
            envelope.Auxiliary = 0;
            table.MailboxPush(slot, index);
            table.Schedule(slot);
            Counters.Increment(ShardCounter.StartMessagesQueued);
        }

        Counters.Increment(ShardCounter.IsolatesSpawned);
        _runtime.Observer?.OnSpawn(Id, handle, request.SourceHandle);
    }

    /// <summary>Tears an isolate down. <paramref name="exception"/> is set for Panicked.</summary>
    private void Exit(IsolateTable table, int slot, Handle self, ExitOutcome outcome, int reason, Exception? exception)
    {
        ref IsolateMeta meta = ref table.Meta[slot];
        Handle previous = _currentHandle;
        _currentHandle = self;

        // Calls this isolate owes fail now, not at their callers' timeouts.
        int owedBase = slot * table.OwedMax;
        for (int i = 0; i < meta.OwedCount; i++)
        {
            ReplyToken token = table.Owed[owedBase + i];
            table.Owed[owedBase + i] = default;
            SendFailure(token.Caller, token.Correlation, CallStatus.NoReply);
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
                SendFailure(queued.SourceHandle, queued.Correlation, CallStatus.NoReply);
            }

            Pool.Return(index);
            Counters.Increment(ShardCounter.TeardownDrops);
        }

        meta.Flags &= ~(IsolateFlags.ReplyReady | IsolateFlags.ResumePending);
        int reclaimed = ReclaimBuffers(self);
        if (reclaimed > 0)
        {
            Counters.Add(ShardCounter.BuffersReclaimed, reclaimed);
        }

        switch (outcome)
        {
            case ExitOutcome.Ok:
                Counters.Increment(ShardCounter.IsolatesExitedOk);
                break;
            case ExitOutcome.Error:
                Counters.Increment(ShardCounter.IsolatesCrashed);
                Log(TinaLogLevel.Warning, self, "isolate crashed", reason, 0);
                break;
            case ExitOutcome.Panicked:
                Counters.Increment(ShardCounter.IsolatesPanicked);
                Log(TinaLogLevel.Error, self, exception?.Message ?? "isolate panicked", 0, 0);
                break;
            default:
                Counters.Increment(ShardCounter.IsolatesCancelled);
                break;
        }

        table.Release(slot);
        _runtime.Observer?.OnExit(Id, self, outcome, reason);
        _currentHandle = previous;
    }

    /// <summary>The timer-list head of a live owner, or a dummy for a gone one.</summary>
    private ref int TimerHeadOf(Handle owner)
    {
        if (TryResolve(owner, out IsolateTable table, out int slot))
        {
            return ref table.Meta[slot].TimerHead;
        }

        _orphanTimerHead = -1;
        return ref _orphanTimerHead;
    }
}
