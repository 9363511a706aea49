using System;

namespace TinaWorker;

/// <summary>The start message the supervision tree gives a <see cref="Heartbeat"/> (again on every restart).</summary>
/// <param name="Interval">Time between two beats.</param>
public readonly record struct Begin(TimeSpan Interval);
