using System.Diagnostics;

// RS0030 (banned APIs) is off here: this is the production clock, the one place shard code's time comes from.
#pragma warning disable RS0030

namespace Tina.Time;

/// <summary>
/// The production clock: <see cref="Stopwatch"/> ticks scaled to nanoseconds. The shards' only time source (timers,
/// call timeouts, restart windows). Core reads <see cref="Stopwatch"/> directly in three other places, all off the
/// shards' timer path: the watchdog (<c>Watchdog</c>), the shutdown and stop deadlines of
/// <c>TinaRuntime</c>, and outside calls' deadlines (<c>OutsideCall</c>).
/// </summary>
internal sealed class SystemMonotonicClock : IMonotonicClock
{
    public static readonly SystemMonotonicClock Instance = new();

    private static readonly double s_nanosecondsPerTick = 1_000_000_000.0 / Stopwatch.Frequency;
    private readonly long _origin = Stopwatch.GetTimestamp();

    public long NowNanoseconds => (long)((Stopwatch.GetTimestamp() - _origin) * s_nanosecondsPerTick);
}
