namespace Tina.Simulation;

/// <summary>What a trace event records.</summary>
internal enum TraceEventKind : byte
{
    /// <summary>A round began: A = simulated now (ns), B = the first shard of the round's order.</summary>
    Round = 0,
    /// <summary>A handler was given a message: A = kind | status &lt;&lt; 8 | payload type &lt;&lt; 32, B = source handle.</summary>
    Dispatch = 1,
    /// <summary>A handler returned: A = effect kind, B = crash reason.</summary>
    Effect = 2,
    /// <summary>An isolate was spawned: B = parent handle.</summary>
    Spawn = 3,
    /// <summary>An isolate exited: A = outcome, B = reason.</summary>
    Exit = 4,
    /// <summary>A fault was injected: A = <see cref="FaultClass"/>, B = the other shard or the target handle.</summary>
    Fault = 5,
    /// <summary>The fault phase ended: faults off, partitions healed.</summary>
    FaultsOff = 6,
    /// <summary>A simulation component's event: A and B are the component's.</summary>
    Component = 7,
}
