using System;

namespace Tina.Testing;

/// <summary>
/// The kit's own clock: a <see cref="TimeProvider"/> whose timestamp is nanoseconds since the kit was made and moves
/// only when the kit moves it, so a timer deadline (any nanosecond) can be reached exactly.
/// </summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private static readonly DateTimeOffset s_epoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Nanoseconds since creation; written by the kit only, between rounds.</summary>
    public long Nanoseconds { get; set; }

    public override long TimestampFrequency => 1_000_000_000;

    public override long GetTimestamp() => Nanoseconds;

    public override DateTimeOffset GetUtcNow() => s_epoch.AddTicks(Nanoseconds / 100);
}
