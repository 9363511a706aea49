using System;
using System.Threading;
using Tina.Isolates;
using Tina.Timers;

namespace Tina.Scheduling;

/// <remarks>
/// I/O. The reactor stages an operation when a handler calls an I/O method on its context; the handler returns the Io
/// effect and the shard suspends the isolate (WaitingForIo) with the operation's timeout armed on the wheel. The
/// completion goes to the isolate's reply slot (kind IoCompleted) and is dispatched before any mail. A timeout, a
/// cancellation or an exit bumps the isolate's I/O sequence and tells the reactor, so a late completion is stale.
/// The staged operation (flag and timeout) is part of the current <see cref="Invocation"/>.
/// </remarks>
internal sealed partial class Shard
{
    private IShardReactor? _reactor;
    private Func<Shard, IShardReactor>? _reactorFactory;
    private Tina.Advanced.ReactorHost? _reactorHost; // the public seam's view of this shard, made once

    /// <summary>The shard's reactor, created on the first tick; null when the spec has no I/O.</summary>
    public IShardReactor? Reactor => _reactor;

    /// <summary>Any thread: the reactor once the shard thread has published it (volatile read), else null.</summary>
    public IShardReactor? PublishedReactor => Volatile.Read(ref _reactor);

    /// <summary>The public seam's view of this shard (<see cref="Tina.Advanced.ReactorHost"/>); made on first use.</summary>
    public Tina.Advanced.ReactorHost ReactorHost => _reactorHost ??= new Tina.Advanced.ReactorHost(this);

    /// <summary>Disposes the reactor (its sockets, buffers and backend); the shard thread or, for a runtime driven
    /// by <see cref="TinaRuntime.RunRound"/>, the disposing thread once no tick runs.</summary>
    public void DisposeReactor()
    {
        IShardReactor? reactor = _reactor;
        _reactor = null;
        reactor?.Dispose();
    }

    private void EnsureReactor()
    {
        if (_reactor is null && _reactorFactory is not null)
        {
            // Volatile: other threads read it through PublishedReactor (ReactorHost.ReactorOf) and must see it built.
            Volatile.Write(ref _reactor, _reactorFactory(this));
            _reactorFactory = null;
            Signal.SetWakeTarget(_reactor);
        }
    }

    /// <summary>True while the current invocation has staged at least one I/O operation.</summary>
    public bool IoStagedInInvocation => _invocation.IoStaged;

    /// <summary>
    /// Called by an I/O method of the context: names the operation (current isolate, its next sequence) and records
    /// its timeout. The reactor stores the operation under that name. An invocation may stage several operations
    /// (the reactor keeps at most one per lane per isolate): each gets its own sequence, and the isolate waits on the
    /// last one; the reactor delivers every operation's completion under the sequence the isolate waits on then
    /// (<see cref="TryGetIoWait"/>).
    /// </summary>
    public bool TryBeginIo(TimeSpan timeout, out Handle isolate, out uint sequence)
    {
        if (_reactor is null || _invocation.Type < 0 || _invocation.CallStaged)
        {
            isolate = Handle.None;
            sequence = 0;
            return false;
        }

        IsolateTable table = _types[_invocation.Type];
        ref IsolateMeta meta = ref table.Meta[_invocation.Slot];
        meta.IoSequence = NextIoSequence(meta.IoSequence);
        _invocation.StageIo(timeout > TimeSpan.Zero ? TicksFor(timeout) : 0);
        isolate = _invocation.Handle;
        sequence = meta.IoSequence;
        return true;
    }

    private static uint NextIoSequence(uint sequence) => sequence + 1 == 0 ? 1 : sequence + 1;

    /// <summary>Applies the Io effect: suspend until the completion, with the timeout armed.</summary>
    private void StartIo(IsolateTable table, int slot, Handle self)
    {
        _invocation.IoStaged = false;
        ref IsolateMeta meta = ref table.Meta[slot];
        meta.State = IsolateState.WaitingForIo;
        if (_invocation.StagedIoTimeoutTicks > 0)
        {
            meta.IoTimer = Timers.Register(_invocation.StagedIoTimeoutTicks, TimerKind.IoTimeout, self, meta.IoSequence, ref meta.TimerHead, TimerBaseTick);
            if (meta.IoTimer.IsNone)
            {
                Counters.Increment(ShardCounter.TimersExhausted);
                AbandonIo(table, slot, self, IoAbandonReason.Timeout);
            }
        }
    }

    /// <summary>The staged operation was not returned as the Io effect.</summary>
    private void DropStagedIo(IsolateTable table, int slot, Handle self)
    {
        _invocation.IoStaged = false;
        _reactor?.DropStaged(self, table.Meta[slot].IoSequence);
    }

    /// <summary>
    /// The reactor completes an operation. Accepted only while the isolate waits on that sequence; false means
    /// stale, and the caller releases what the completion carries.
    /// </summary>
    public bool CompleteIo<T>(Handle isolate, uint sequence, in T payload)
        where T : unmanaged
    {
        if (!TryResolve(isolate, out IsolateTable table, out int slot))
        {
            return false;
        }

        ref IsolateMeta meta = ref table.Meta[slot];
        if (meta.State != IsolateState.WaitingForIo || meta.IoSequence != sequence)
        {
            return false;
        }

        Timers.Cancel(meta.IoTimer, ref meta.TimerHead);
        meta.IoTimer = TimerId.None;
        meta.State = IsolateState.Receiving;
        ref Message completion = ref table.ReplySlots[slot];
        completion.SetHeader(isolate, Handle.None, MessageKind.IoCompleted, sequence);
        completion.SetPayload(in payload);
        meta.Flags |= IsolateFlags.ReplyReady;
        table.Schedule(slot);
        return true;
    }

    /// <summary>True when the handle names a live isolate waiting for I/O; <paramref name="sequence"/> is what it waits on.</summary>
    public bool TryGetIoWait(Handle isolate, out uint sequence)
    {
        if (TryResolve(isolate, out IsolateTable table, out int slot) && table.Meta[slot].State == IsolateState.WaitingForIo)
        {
            sequence = table.Meta[slot].IoSequence;
            return true;
        }

        sequence = 0;
        return false;
    }

    /// <summary>True when the isolate's reply slot holds the completion of that I/O sequence, not yet dispatched.</summary>
    public bool HasIoCompletionReady(Handle isolate, uint sequence) =>
        TryResolve(isolate, out IsolateTable table, out int slot)
        && (table.Meta[slot].Flags & IsolateFlags.ReplyReady) != 0
        && table.ReplySlots[slot].KindValue == MessageKind.IoCompleted
        && table.ReplySlots[slot].Correlation == sequence;

    /// <summary>True when the handle names a live isolate waiting on that I/O sequence.</summary>
    public bool IsWaitingForIo(Handle isolate, uint sequence) =>
        TryResolve(isolate, out IsolateTable table, out int slot)
        && table.Meta[slot].State == IsolateState.WaitingForIo && table.Meta[slot].IoSequence == sequence;

    private void OnIoTimeout(Handle owner, uint sequence)
    {
        if (TryResolve(owner, out IsolateTable table, out int slot)
            && table.Meta[slot].State == IsolateState.WaitingForIo && table.Meta[slot].IoSequence == sequence)
        {
            table.Meta[slot].IoTimer = TimerId.None;
            AbandonIo(table, slot, owner, IoAbandonReason.Timeout);
        }
    }

    /// <summary>Stops waiting for the isolate's operation; the reactor cancels it and (unless exiting) completes it with an error.</summary>
    private void AbandonIo(IsolateTable table, int slot, Handle self, IoAbandonReason reason)
    {
        ref IsolateMeta meta = ref table.Meta[slot];
        uint old = meta.IoSequence;
        meta.IoSequence = NextIoSequence(old);
        Timers.Cancel(meta.IoTimer, ref meta.TimerHead);
        meta.IoTimer = TimerId.None;

        // For a timeout or a cancellation the reactor completes the operation under the new sequence, so the isolate
        // still sees exactly one outcome; for an exit nobody is waiting and a late completion is simply stale.
        _reactor?.Abandon(self, old, meta.IoSequence, reason);
    }
}
