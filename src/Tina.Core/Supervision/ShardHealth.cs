namespace Tina;

/// <summary>A shard's health as the watchdog and supervision see it.</summary>
public enum ShardHealth : byte
{
    /// <summary>Running, and its heartbeat advances (or it is parked, idle).</summary>
    Healthy = 0,
    /// <summary>Its heartbeat has not advanced for the stall timeout while it was not parked: a handler is stuck.</summary>
    Stalled = 1,
    /// <summary>Quarantined after too many rebuilds: it dispatches nothing, and sends to it fail.</summary>
    Quarantined = 2,
    /// <summary>Stopped.</summary>
    Stopped = 3,
}
