using System;

namespace Tina.Benchmarks;

/// <summary>
/// A <see cref="TimeProvider"/> that never moves, for runtimes the benchmark thread steps: no timer or call timeout
/// ever comes due, so every round does exactly the message work the benchmark put in, and reading the time costs one
/// virtual call returning a constant.
/// </summary>
public sealed class FrozenTime : TimeProvider
{
    public override long TimestampFrequency => 1_000_000_000;

    public override long GetTimestamp() => 0;
}
