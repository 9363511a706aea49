using Tina.Isolates;
using Tina.Messaging;
using Tina.Scheduling;
using Tina.Simulation;
using Tina.Timers;

namespace Tina.Tests.Simulation;

/// <summary>
/// The planted bugs that prove the lifecycle checkers bite. Each is a simulation component that, during the fault
/// phase only and now and then (its own stream), breaks one runtime guarantee the way a real defect would, between
/// rounds, without touching any counter.
/// </summary>
internal abstract class PlantedLifecycleBug : ISimulationComponent
{
    private bool _on = true;

    protected TinaRuntime Runtime { get; private set; } = null!;

    protected TraceRecorder Trace { get; private set; } = null!;

    public abstract string Name { get; }

    /// <summary>Times the bug struck.</summary>
    public int Struck { get; protected set; }

    /// <summary>Chance per round, in parts per million.</summary>
    protected virtual int Ppm => 50_000;

    public void Attach(TinaRuntime runtime, TraceRecorder trace)
    {
        Runtime = runtime;
        Trace = trace;
    }

    public void OnRound(long round, long nowNanoseconds, ref Xoshiro256StarStar random)
    {
        if (_on && random.Chance(Ppm) && Strike(ref random))
        {
            Struck++;
            Trace.Record(TraceEventKind.Component, -1, 0, (ulong)Struck, 0);
        }
    }

    public bool HasPendingWork(long nowNanoseconds) => false;

    public long NextEventNanoseconds(long nowNanoseconds) => long.MaxValue;

    public void OnFaultsOff() => _on = false;

    public bool Check(bool final, out string? violation)
    {
        violation = null;
        return true;
    }

    /// <summary>Plants the bug once; false when there was nothing to break this round.</summary>
    protected abstract bool Strike(ref Xoshiro256StarStar random);

    protected int DrawShard(ref Xoshiro256StarStar random) => (int)random.NextBelow((uint)Runtime.ShardCount);
}

/// <summary>Watches: a Down in a system ring names the wrong target (as if the notifier took the wrong entry).</summary>
internal sealed class MisaddressedDownBug : PlantedLifecycleBug
{
    public override string Name => "misaddressed-down";

    protected override bool Strike(ref Xoshiro256StarStar random)
    {
        int to = DrawShard(ref random);
        for (int from = 0; from < Runtime.ShardCount; from++)
        {
            // Downs travel the system lane (the ring from -> to).
            SpscRing? ring = Runtime.ShardAt(from).SystemLane.RingTo(to);
            int inFlight = ring?.InFlightCountUnsynchronized ?? 0;
            for (int i = 0; i < inFlight; i++)
            {
                ref Message envelope = ref ring!.PeekInFlightUnsynchronized(i);
                if (envelope.KindValue == MessageKind.Down && envelope.Is(out Down down))
                {
                    // The same isolate one generation later: a handle nobody watches.
                    var wrong = new Handle(down.Target.Value + 1);
                    envelope.SetPayload(down with { Target = wrong });
                    return true;
                }
            }
        }

        return false;
    }
}

/// <summary>Leaks: a buffer lent to an isolate of another shard without the pool counting the remote loan, so that isolate's exit does not find it.</summary>
internal sealed class UncountedRemoteLoanBug : PlantedLifecycleBug
{
    public override string Name => "uncounted-remote-loan";

    protected override bool Strike(ref Xoshiro256StarStar random)
    {
        int home = DrawShard(ref random);
        int other = (home + 1 + (int)random.NextBelow((uint)Runtime.ShardCount - 1)) % Runtime.ShardCount;
        Shard shard = Runtime.ShardAt(other);
        for (int type = 0; type < shard.TypeCount; type++)
        {
            IsolateTable table = shard.TypeTable(type);
            for (int slot = 0; slot < table.SlotCount; slot++)
            {
                if (table.Meta[slot].State != IsolateState.Free)
                {
                    return Runtime.ShardAt(home).Buffers.TryRent(table.HandleOf(other, slot), out _);
                }
            }
        }

        return false;
    }
}

/// <summary>Timers: a timer registered in a wheel with no owner to account for it (a leaked runtime timer).</summary>
internal sealed class HiddenTimerBug : PlantedLifecycleBug
{
    private int _nobody = -1;

    public override string Name => "hidden-timer";

    protected override bool Strike(ref Xoshiro256StarStar random)
    {
        Shard shard = Runtime.ShardAt(DrawShard(ref random));
        _nobody = -1;
        return !shard.Timers.Register(50, TimerKind.User, Handle.None, 0, ref _nobody, shard.TimerBaseTick).IsNone;
    }
}

/// <summary>CallOutcome: an outcome waiting in a caller's reply slot is dropped (the flag cleared), so the call never ends.</summary>
internal sealed class EatenOutcomeBug : PlantedLifecycleBug
{
    public override string Name => "eaten-outcome";

    protected override int Ppm => 200_000;

    protected override bool Strike(ref Xoshiro256StarStar random)
    {
        Shard shard = Runtime.ShardAt(DrawShard(ref random));
        for (int type = 0; type < shard.TypeCount; type++)
        {
            IsolateTable table = shard.TypeTable(type);
            for (int slot = 0; slot < table.SlotCount; slot++)
            {
                ref IsolateMeta meta = ref table.Meta[slot];
                // Only a caller with no mail queued: it then has nothing to run, so the lost outcome shows as a call
                // that is open but neither waited for nor held (CallOutcome), not as a later second call.
                if (meta.State != IsolateState.Free && (meta.Flags & IsolateFlags.ReplyReady) != 0
                    && table.ReplySlots[slot].KindValue == MessageKind.Reply && meta.MailboxCount == 0)
                {
                    meta.Flags &= ~IsolateFlags.ReplyReady;
                    return true;
                }
            }
        }

        return false;
    }
}
