using System;

namespace Tina.Simulation.Workloads;

/// <summary>
/// The worker of the lifecycle workloads: supervised child, dynamic child or a driver's child. On a 1–4 ms timer it
/// takes its actions one at a time, each drawn from its own xorshift: call an isolate from the directory (answered at
/// once, failed, ignored or deferred, sometimes past the timeout), flood one with a burst of one-way messages, watch
/// or unwatch one, rent a buffer, write a pattern and hand it to one (transfer, then send the reference), crash, or
/// finish. It answers calls the way they ask, verifies and releases (or keeps) buffers it is given, and on a Cancel or
/// Shutdown notice finishes at once, lingers for a drawn time (sometimes past its drain budget, so it is forced), or
/// ignores the notice. Every watch and timer it sets is reported to the simulator's ledger.
/// </summary>
internal sealed class LifecyclePeer : IIsolate
{
    public static readonly TimeSpan CallTimeoutMax = TimeSpan.FromMilliseconds(30);

    /// <summary>
    /// TODO(core-under-load): flip to false once the fix for "TimerWheel.Advance corrupts its accounting when a
    /// firing cancels the next timer" is merged. A drain deadline that fires force-exits its isolate inside the
    /// wheel's advance, and the exit cancels timers (its own, and a local caller's timeout when it owed a reply or had
    /// a call queued); when one of them is the next entry of the spoke being fired, the wheel removes it twice (Debug:
    /// "removing a free timer entry", which ends the test host). While true, a cancelled peer
    /// always finishes before its drain deadline (at once, or after lingering at most budget − 2 ms), so deadlines
    /// never fire and isolates are forced only by shutdown phase 3; false restores lingering past the budget and
    /// ignoring the notice, so drain deadlines force isolates too.
    /// </summary>
    internal static bool KnownDefect_TimerWheelFiringCancelsNext => false;

    private const long TagTick = 1;
    private const long TagLinger = 2;
    private const long TagOwed = 16;   // + index of the owed reply
    private const int OwedMax = 4;
    private const int WatchMax = 4;

    private readonly ReplyToken[] _owed = new ReplyToken[OwedMax];
    private readonly int[] _owedSequence = new int[OwedMax];
    private readonly Handle[] _watching = new Handle[WatchMax];
    private ulong _random;
    private int _actionsLeft;
    private int _crashPerMille;
    private int _floodMax;
    private int _sequence;
    private bool _noticed;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        LifecycleWorld? world = LifecycleWorld.Of(ref ctx);
        switch (message.Kind)
        {
            case MessageKind.Start when message.Is(out PeerStart start):
                _random = (start.Seed ^ (ctx.Self.Value * 0x9E37_79B9_7F4A_7C15)) | 1;
                _actionsLeft = start.Actions;
                _crashPerMille = start.CrashPerMille;
                _floodMax = Math.Max(1, start.FloodMax);
                world?.Publish(ctx.Self);
                Arm(ref ctx, TimeSpan.FromMilliseconds(1 + Draw(4)), TagTick);
                return Effect.Receive;
            case MessageKind.Timer:
                return OnTimer(ref ctx, message.TimerTag, world);
            case MessageKind.Call when message.Is(out PeerAsk ask):
                return Answer(ref ctx, ask);
            case MessageKind.Reply:
                if (message.Status == CallStatus.Ok && (!message.Is(out PeerAnswer answer) || answer.Value != _sequence + 1) && world is not null)
                {
                    world.WrongAnswers++;
                }

                if (message.Status == CallStatus.ShuttingDown && world is not null)
                {
                    world.CallsShuttingDown++;
                }

                return Effect.Receive;
            case MessageKind.Down:
                if (world is not null)
                {
                    world.Downs++;
                }

                if (message.Is(out Down down))
                {
                    Forget(down.Target);
                }

                return Effect.Receive;
            case MessageKind.Cancel:
            case MessageKind.Shutdown:
                return OnNotice(ref ctx, message, world);
            default:
                return OnUser(ref ctx, message, world);
        }
    }

    private Effect OnTimer(ref Context ctx, long tag, LifecycleWorld? world)
    {
        if (tag == TagLinger)
        {
            return Effect.Done;
        }

        if (tag >= TagOwed && tag < TagOwed + OwedMax)
        {
            int index = (int)(tag - TagOwed);
            if (!_owed[index].IsNone)
            {
                ReplyToken token = _owed[index];
                _owed[index] = default;
                ctx.Reply(token, new PeerAnswer(_owedSequence[index] + 1));
            }

            return Effect.Receive;
        }

        if (_noticed || _actionsLeft <= 0)
        {
            return Effect.Receive;
        }

        _actionsLeft--;
        Arm(ref ctx, TimeSpan.FromMilliseconds(1 + Draw(4)), TagTick);
        Handle target = world?.Pick(XorShift64.Next(ref _random)) ?? Tina.Handle.None;
        if (target.IsNone || target == ctx.Self)
        {
            return Effect.Receive;
        }

        uint roll = Draw(100);
        if (roll < 25)
        {
            _sequence++;
            uint mode = Draw(10);
            var ask = new PeerAsk(
                _sequence,
                mode < 6 ? PeerAskMode.Reply : mode < 7 ? PeerAskMode.Fail : mode < 8 ? PeerAskMode.Ignore : PeerAskMode.Defer,
                1 + (int)Draw(40));
            return ctx.Call(target, ask, TimeSpan.FromMilliseconds(5 + Draw(26)));
        }

        if (roll < 40)
        {
            int burst = 1 + (int)Draw((uint)_floodMax);
            for (int i = 0; i < burst; i++)
            {
                if (ctx.Send(target, new Flood(i)) == SendResult.MailboxFull && world is not null)
                {
                    world.FloodRefused++;
                }
            }

            return Effect.Receive;
        }

        if (roll < 52)
        {
            int free = Array.IndexOf(_watching, Tina.Handle.None);
            if (free >= 0 && Array.IndexOf(_watching, target) < 0 && ctx.Watch(target))
            {
                SimulationLedger.Watched(ref ctx, target);
                _watching[free] = target;
            }

            return Effect.Receive;
        }

        if (roll < 60)
        {
            int index = (int)Draw(WatchMax);
            Handle watched = _watching[index];
            if (!watched.IsNone && ctx.Unwatch(watched))
            {
                SimulationLedger.Unwatched(ref ctx, watched);
                _watching[index] = Tina.Handle.None;
            }

            return Effect.Receive;
        }

        if (roll < 76)
        {
            SendBuffer(ref ctx, target, world);
            return Effect.Receive;
        }

        if (roll < 79 && _crashPerMille > 0 && Draw(1000) < (uint)_crashPerMille * 10)
        {
            return Effect.CrashWith(7);
        }

        if (roll < 81)
        {
            return Effect.Done;
        }

        return Effect.Receive;
    }

    private void SendBuffer(ref Context ctx, Handle target, LifecycleWorld? world)
    {
        if (!ctx.TryRentBuffer(out BufferRef buffer))
        {
            return;
        }

        ulong pattern = XorShift64.Next(ref _random);
        Span<byte> bytes = ctx.GetBuffer(buffer);
        BitConverter.TryWriteBytes(bytes, pattern);
        uint choice = Draw(10);
        if (choice == 0)
        {
            return; // kept: reclaimed when this isolate exits
        }

        if (!ctx.TransferBuffer(buffer, target))
        {
            ctx.ReleaseBuffer(buffer);
            return;
        }

        // From here the target owns it; if the note is refused the target never learns of it and the buffer is
        // reclaimed when the target exits.
        if (ctx.Send(target, new BufferNote(buffer.Value, pattern)) == SendResult.Ok && world is not null)
        {
            world.BuffersSent++;
        }
    }

    private Effect OnUser(ref Context ctx, in Message message, LifecycleWorld? world)
    {
        if (message.Is<Flood>())
        {
            if (world is not null)
            {
                world.FloodHandled++;
            }

            return Effect.Receive;
        }

        if (message.Is(out BufferNote note))
        {
            var buffer = new BufferRef(note.Buffer);
            Span<byte> bytes = ctx.GetBuffer(buffer);
            if (world is not null)
            {
                if (bytes.Length < 8 || BitConverter.ToUInt64(bytes) != note.Pattern)
                {
                    world.BufferMismatches++;
                }

                if (message.Source.Shard != ctx.ShardId)
                {
                    world.BuffersReceivedRemote++;
                }
            }

            if (Draw(4) != 0)
            {
                ctx.ReleaseBuffer(buffer);
            }
        }

        return Effect.Receive;
    }

    private Effect Answer(ref Context ctx, PeerAsk ask)
    {
        switch (ask.Mode)
        {
            case PeerAskMode.Fail:
                return ctx.FailReply();
            case PeerAskMode.Ignore:
                return Effect.Receive;
            case PeerAskMode.Defer:
                int index = Array.IndexOf(_owed, default);
                if (index >= 0 && ctx.TryDeferReply(out ReplyToken token))
                {
                    _owed[index] = token;
                    _owedSequence[index] = ask.Sequence;
                    if (!Arm(ref ctx, TimeSpan.FromMilliseconds(ask.DelayMilliseconds), TagOwed + index))
                    {
                        _owed[index] = default;
                        ctx.Reply(token, new PeerAnswer(ask.Sequence + 1));
                    }

                    return Effect.Receive;
                }

                return ctx.Reply(new PeerAnswer(ask.Sequence + 1));
            default:
                return ctx.Reply(new PeerAnswer(ask.Sequence + 1));
        }
    }

    private Effect OnNotice(ref Context ctx, in Message message, LifecycleWorld? world)
    {
        if (world is not null)
        {
            world.Notices++;
        }

        _noticed = true;
        TimeSpan budget = message.Is(out CancelReason reason) ? reason.DrainBudget : TimeSpan.FromMilliseconds(10);
        if (KnownDefect_TimerWheelFiringCancelsNext)
        {
            long spare = budget.Ticks - (2 * TimeSpan.TicksPerMillisecond);
            if (spare < TimeSpan.TicksPerMillisecond || Draw(2) == 0)
            {
                return Effect.Done;
            }

            return Arm(ref ctx, TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, spare * Draw(101) / 100)), TagLinger) ? Effect.Receive : Effect.Done;
        }

        switch (Draw(4))
        {
            case 0:
                return Effect.Done;
            case 1:
            case 2:
                // Linger for up to twice the budget: sometimes it finishes in time, sometimes it is forced.
                long ticks = Math.Max(TimeSpan.TicksPerMillisecond, budget.Ticks * Draw(200) / 100);
                return Arm(ref ctx, TimeSpan.FromTicks(ticks), TagLinger) ? Effect.Receive : Effect.Done;
            default:
                return Effect.Receive; // ignores it: torn down at the deadline
        }
    }

    private void Forget(Handle target)
    {
        int index = Array.IndexOf(_watching, target);
        if (index >= 0)
        {
            _watching[index] = Tina.Handle.None;
        }
    }

    private static bool Arm(ref Context ctx, TimeSpan delay, long tag)
    {
        TimerId timer = ctx.RegisterTimer(delay, tag);
        SimulationLedger.TimerRegistered(ref ctx, timer);
        return !timer.IsNone;
    }

    private uint Draw(uint bound) => (uint)(XorShift64.Next(ref _random) % bound);
}
