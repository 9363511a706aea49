using System.Diagnostics;

namespace Tina.Time;

/// <summary>The production clock: <see cref="Stopwatch"/> ticks scaled to nanoseconds. The one place Core reads OS time.</summary>
internal sealed class SystemMonotonicClock : IMonotonicClock
{
    public static readonly SystemMonotonicClock Instance = new();

    private static readonly double s_nanosecondsPerTick = 1_000_000_000.0 / Stopwatch.Frequency;
    private readonly long _origin = Stopwatch.GetTimestamp();

    public long NowNanoseconds => (long)((Stopwatch.GetTimestamp() - _origin) * s_nanosecondsPerTick);
}
