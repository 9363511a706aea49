using System;

namespace Tina.Time;

/// <summary>A clock that moves only when told to: the simulator's and the deterministic tests' time source.</summary>
internal sealed class ManualClock : IMonotonicClock
{
    public long NowNanoseconds { get; set; }

    public void Advance(TimeSpan by) => NowNanoseconds += by.Ticks * 100;

    public void AdvanceNanoseconds(long nanoseconds) => NowNanoseconds += nanoseconds;
}
