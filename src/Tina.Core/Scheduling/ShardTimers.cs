using System;
using Tina.Timers;

namespace Tina.Scheduling;

/// <summary>
/// One shard's timers: the wheel, its resolution (clock nanoseconds to wheel ticks), and the stand-in list head for
/// a firing whose owner is gone. Firings go to the owning shard's timer handler without a delegate.
/// </summary>
/// <remarks>
/// <para>Rounding. A duration becomes wheel ticks rounded up, at least 1 (<see cref="TicksFor"/>); a timer registered
/// now counts from this tick's clock reading rounded up (<see cref="BaseTick"/>), so a timer never fires before
/// <c>Now + delay</c> even when the wheel's own tick lags the clock after an idle stretch.</para>
/// <para>Invariants. Owned by one shard; the wheel, the orphan head and every registration, cancellation and advance
/// are touched only by its thread. The orphan head is -1 whenever a firing starts with it (it is reset each time it
/// is handed out), so a gone owner's timer unlinks into an empty list. The resolution is fixed at construction.</para>
/// </remarks>
internal sealed class ShardTimers
{
    private readonly TimerWheel _wheel;
    private readonly long _resolutionNanoseconds;
    private int _orphanHead = -1;   // stands in for an owner's timer list when the owner is gone

    public ShardTimers(int capacity, int spokeCount, TimeSpan resolution, long nowNanoseconds)
    {
        _resolutionNanoseconds = resolution.Ticks * 100;
        _wheel = new TimerWheel(capacity, spokeCount, nowNanoseconds / _resolutionNanoseconds);
    }

    /// <summary>The wheel (register, cancel, query).</summary>
    public TimerWheel Wheel => _wheel;

    /// <summary>Clock nanoseconds per wheel tick.</summary>
    public long ResolutionNanoseconds => _resolutionNanoseconds;

    /// <summary>The wheel tick timers registered at <paramref name="nowNanoseconds"/> count from (rounded up).</summary>
    public long BaseTick(long nowNanoseconds) => (nowNanoseconds + _resolutionNanoseconds - 1) / _resolutionNanoseconds;

    /// <summary>
    /// Timer ticks for a duration, rounded up, at least 1; a duration at or beyond
    /// <see cref="TimerWheel.MaxDelayNanoseconds"/> saturates to it (it would overflow the nanosecond arithmetic
    /// and wrap to a near deadline). A negative duration (<see cref="System.Threading.Timeout.InfiniteTimeSpan"/>
    /// included) is an <see cref="ArgumentOutOfRangeException"/>: the public entry points check it first with their
    /// own rule, this is the backstop for every path.
    /// </summary>
    public long TicksFor(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        if (duration.Ticks >= TimerWheel.MaxDelayNanoseconds / 100)
        {
            return TimerWheel.MaxDelayNanoseconds / _resolutionNanoseconds;
        }

        long nanos = duration.Ticks * 100;
        long ticks = (nanos + _resolutionNanoseconds - 1) / _resolutionNanoseconds;
        return Math.Max(1, ticks);
    }

    /// <summary>True when a timer is due at <paramref name="nowNanoseconds"/> (the park re-check).</summary>
    public bool AnyDue(long nowNanoseconds) => _wheel.NextDeadlineTick() <= nowNanoseconds / _resolutionNanoseconds;

    /// <summary>The earliest pending deadline in clock nanoseconds, or long.MaxValue when none is pending.</summary>
    public long NextDeadlineNanoseconds()
    {
        long deadline = _wheel.NextDeadlineTick();
        return deadline == long.MaxValue ? long.MaxValue : deadline * _resolutionNanoseconds;
    }

    /// <summary>Fires every timer due at <paramref name="nowNanoseconds"/> into <paramref name="owner"/>; true when any fired.</summary>
    public bool Advance(long nowNanoseconds, Shard owner)
    {
        var sink = new Sink(owner);
        return _wheel.Advance(nowNanoseconds / _resolutionNanoseconds, ref sink) > 0;
    }

    /// <summary>An empty list head for a timer whose owner is gone (reset on every use).</summary>
    public ref int OrphanHead()
    {
        _orphanHead = -1;
        return ref _orphanHead;
    }

    /// <summary>Adapts the wheel's callbacks to the owning shard without a delegate.</summary>
    private readonly struct Sink : ITimerSink
    {
        private readonly Shard _shard;

        public Sink(Shard shard) => _shard = shard;

        public ref int OwnerHead(Handle owner) => ref _shard.TimerHeadOf(owner);

        public void Fire(in TimerEntry entry) => _shard.OnTimerFired(in entry);
    }
}
