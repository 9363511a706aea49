using System;
using Tina.Time;

namespace Tina.Advanced;

/// <summary>
/// Reads a <see cref="TimeProvider"/>'s timestamp as the runtime's monotonic nanoseconds, counted from the reading at
/// construction. Only <see cref="DeterministicRuntime"/> uses it: the production shards keep
/// <see cref="SystemMonotonicClock"/> (no virtual <see cref="TimeProvider"/> call on their path).
/// </summary>
internal sealed class TimeProviderClock : IMonotonicClock
{
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly long _frequency;

    public TimeProviderClock(TimeProvider time)
    {
        _time = time;
        _frequency = time.TimestampFrequency;
        if (_frequency <= 0)
        {
            throw new ArgumentException("The time provider's TimestampFrequency must be positive.", nameof(time));
        }

        _origin = time.GetTimestamp();
    }

    // Int128 so a large elapsed count times 10^9 cannot overflow; exact for the 10^7 (TimeSpan ticks) and 10^9
    // frequencies the fakes use, so a clock moved to a deadline reads exactly that deadline.
    public long NowNanoseconds => (long)((Int128)(_time.GetTimestamp() - _origin) * 1_000_000_000 / _frequency);
}
