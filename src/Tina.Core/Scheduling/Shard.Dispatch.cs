using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Tina.Isolates;

namespace Tina.Scheduling;

/// <remarks>
/// Dispatch. Each tick visits every isolate type once, starting from a rotating type; a type may run up to
/// <c>BudgetWeight × DispatchQuantum</c> handler invocations, taking isolates from its FIFO run queue. One invocation
/// handles one message; an isolate with more work goes to the back of its queue, so isolates of a type share their
/// budget round-robin and no type or isolate starves. Order of what one invocation receives: a ready call outcome,
/// then a pending Resume, then the oldest mail.
/// <para>Yield resumes on the next tick, never the same one (<see cref="YieldList"/>); a yield after a RingFull
/// refusal waits for room in that ring instead (<see cref="RoomWaitList"/>).</para>
/// </remarks>
internal sealed partial class Shard
{
    private Invocation _invocation = Invocation.None;   // the invocation running now and its call's state
    private Message _resumeMessage = new() { KindValue = MessageKind.Resume }; // handed to yielded isolates
    private int _typeRotation;           // first type dispatched this tick, rotated for fairness

    public Handle CurrentHandle => _invocation.Handle;

    public bool InInvocation => _invocation.Type >= 0;

    private bool Dispatch()
    {
        bool dispatched = false;
        if (_yielded.Count > 0)
        {
            _yielded.ResumeAll(_types); // last tick's yielders; one that exited meanwhile is skipped
        }

        if (_roomWaits.Count > 0)
        {
            _roomWaits.Resume(_types, _nowNanoseconds);
        }

        int typeCount = _types.Length;
        for (int k = 0; k < typeCount; k++)
        {
            int typeIndex = _typeRotation + k;
            if (typeIndex >= typeCount)
            {
                typeIndex -= typeCount;
            }

            IsolateTable table = _types[typeIndex];
            int budget = table.Weight * _dispatchQuantum;
            while (budget > 0 && table.RunQueueCount > 0)
            {
                int slot = table.Dequeue();
                if (RunOne(table, slot))
                {
                    budget--;
                    dispatched = true;
                }
            }
        }

        _typeRotation = _typeRotation + 1 >= typeCount ? 0 : _typeRotation + 1;
        _watches.DeliverPendingDowns(); // dispatch made room in mailboxes and the pool

        return dispatched;
    }

    /// <summary>Invokes one isolate with its next message and applies the effect. False when it had nothing to run.</summary>
    private bool RunOne(IsolateTable table, int slot)
    {
        ref IsolateMeta meta = ref table.Meta[slot];
        if (meta.State != IsolateState.Receiving)
        {
            return false; // stale run-queue entry, or suspended on a call or I/O
        }

        Handle self = table.HandleOf(Id, slot);
        int poolIndex = -1;
        ref Message message = ref Unsafe.NullRef<Message>();
        if ((meta.Flags & IsolateFlags.CancelNotice) != 0)
        {
            meta.Flags &= ~IsolateFlags.CancelNotice;
            message = ref BuildNotice(ref meta, self);
        }
        else if ((meta.Flags & IsolateFlags.ReplyReady) != 0)
        {
            meta.Flags &= ~IsolateFlags.ReplyReady;
            message = ref table.ReplySlots[slot];
        }
        else if ((meta.Flags & (IsolateFlags.ResumePending | IsolateFlags.Yielded)) == IsolateFlags.ResumePending)
        {
            meta.Flags &= ~IsolateFlags.ResumePending;
            message = ref _resumeMessage;
        }
        else if (meta.MailboxCount > 0)
        {
            poolIndex = table.MailboxPop(slot);
            message = ref Pool.Slots[poolIndex];
        }
        else
        {
            return false;
        }

        _invocation.Begin(table.TypeIndex, slot, self, in message);
        _runtime.Observer?.OnDispatch(Id, self, in message);

        Effect effect;
        Exception? failure = null;
        var context = new Context(this);
        try
        {
            if (_runtime.Faults is { } faults && faults.FailHandler(Id, self))
            {
                throw new InjectedFaultException();
            }

            effect = table.Invoke(slot, ref context, in message);
        }
#pragma warning disable CA1031 // let it crash: any exception ends this isolate only
        catch (Exception exception)
#pragma warning restore CA1031
        {
            failure = exception;
            effect = Effect.Crash;
        }

        Counters.Increment(ShardCounter.MessagesHandled);
        if (_invocation.Kind == MessageKind.Call && !_invocation.CallResolved)
        {
            // Handled without reply, deferral or failure: the caller learns now, not at its timeout.
            SendFailure(_invocation.Caller, _invocation.Correlation, CallStatus.NoReply);
        }

        if (poolIndex >= 0)
        {
            Pool.Return(poolIndex);
        }

        if (failure is not null)
        {
            ClearStaged(table, slot, self);
            Exit(table, slot, self, ExitOutcome.Panicked, 0, failure);
        }
        else
        {
            Apply(table, slot, self, effect);
        }

        // Staged state belongs to one invocation: whatever the effect did, none of it may reach the next isolate.
        Debug.Assert(!_invocation.HasStaged, "staged state outlived its invocation");
        _invocation.End();
        return true;
    }

    /// <summary>Interprets the effect a handler returned.</summary>
    private void Apply(IsolateTable table, int slot, Handle self, Effect effect)
    {
        _runtime.Observer?.OnEffect(Id, self, effect);
        if (_invocation.IoStaged && _invocation.CallStaged)
        {
            // Both staged (an I/O method and Context.Call in one invocation): whichever effect came back, the other
            // one was not returned. Both are cleared before the exit, so neither outlives this invocation.
            ClearStaged(table, slot, self);
            Exit(table, slot, self, ExitOutcome.Panicked, 0,
                new InvalidOperationException("A handler staged both a call and an I/O operation; it may return only one Effect."));
            return;
        }

        if (_invocation.IoStaged && effect.Kind != EffectKind.Io)
        {
            ClearStaged(table, slot, self);
            Exit(table, slot, self, ExitOutcome.Panicked, 0,
                new InvalidOperationException("An I/O method staged an operation but the handler did not return its Effect."));
            return;
        }

        if (_invocation.CallStaged && effect.Kind != EffectKind.Call)
        {
            ClearStaged(table, slot, self);
            Exit(table, slot, self, ExitOutcome.Panicked, 0,
                new InvalidOperationException("Context.Call staged a call but the handler did not return its Effect."));
            return;
        }

        switch (effect.Kind)
        {
            case EffectKind.Receive:
            case EffectKind.Reply:
                if (IsDrainedAfterNotice(ref table.Meta[slot]))
                {
                    // Cancelled or shutting down, and nothing left to do: that is the end of the drain.
                    Exit(table, slot, self, ExitOutcome.Ok, 0, null);
                    break;
                }

                ScheduleIfWork(table, slot);
                break;
            case EffectKind.Yield:
                ref IsolateMeta yielder = ref table.Meta[slot];
                yielder.Flags |= IsolateFlags.ResumePending;
                if ((yielder.Flags & IsolateFlags.Yielded) == 0)
                {
                    // Listed at most once per tick (the flag), so the list never holds more than the slot count.
                    yielder.Flags |= IsolateFlags.Yielded;
                    long packed = ((long)table.TypeIndex << 32) | (uint)slot;
                    if (_invocation.RefusedRing >= 0)
                    {
                        _roomWaits.Add(packed, _invocation.RefusedRing, _nowNanoseconds); // refused by a full ring: resume when it has room
                    }
                    else
                    {
                        _yielded.Add(packed);
                    }
                }
                break;
            case EffectKind.Call:
                if (!_invocation.CallStaged)
                {
                    Exit(table, slot, self, ExitOutcome.Panicked, 0,
                        new InvalidOperationException("Effect kind Call returned without Context.Call."));
                    return;
                }

                StartCall(table, slot, self);
                break;
            case EffectKind.Io:
                if (!_invocation.IoStaged)
                {
                    Exit(table, slot, self, ExitOutcome.Panicked, 0,
                        new InvalidOperationException("Effect kind Io returned without an I/O method on the context."));
                    return;
                }

                StartIo(table, slot, self);
                break;
            case EffectKind.Done:
                Exit(table, slot, self, ExitOutcome.Ok, 0, null);
                break;
            case EffectKind.Crash:
                Exit(table, slot, self, ExitOutcome.Error, effect.Reason, null);
                break;
            default:
                Exit(table, slot, self, ExitOutcome.Panicked, 0,
                    new NotSupportedException($"Effect {effect.Kind} is not supported by this shard (no I/O backend)."));
                break;
        }
    }

    /// <summary>
    /// Forgets everything the current invocation staged (a call, an I/O operation, which the reactor drops unsubmitted):
    /// called on every path that ends an invocation without applying the staged effect, before the isolate exits.
    /// </summary>
    private void ClearStaged(IsolateTable table, int slot, Handle self)
    {
        _invocation.CallStaged = false;
        if (_invocation.IoStaged)
        {
            DropStagedIo(table, slot, self);
        }
    }

    /// <summary>
    /// A cancelled (or shutting-down) isolate that has seen its notice and returns Receive with an empty mailbox and
    /// no owed replies has finished draining: isolates unaware of cancellation need no code for it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsDrainedAfterNotice(ref IsolateMeta meta) =>
        (meta.Flags & (IsolateFlags.Cancelling | IsolateFlags.CancelNotice | IsolateFlags.ReplyReady)) == IsolateFlags.Cancelling
        && meta.MailboxCount == 0 && meta.OwedCount == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScheduleIfWork(IsolateTable table, int slot)
    {
        ref IsolateMeta meta = ref table.Meta[slot];
        if (meta.State == IsolateState.Receiving
            && (meta.MailboxCount > 0 || (meta.Flags & (IsolateFlags.ReplyReady | IsolateFlags.ResumePending | IsolateFlags.CancelNotice)) != 0))
        {
            table.Schedule(slot);
        }
    }
}
