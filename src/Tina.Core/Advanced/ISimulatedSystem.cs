using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace Tina.Advanced;

/// <summary>
/// What <see cref="SimulationEngine"/> runs: a user's isolates and their test logic, seen by the engine. The hook under
/// <c>Tina.Testing</c>'s <c>Simulation</c>; use that instead (hidden from completion).
/// </summary>
/// <remarks>One instance per run: the engine calls <see cref="Configure"/>, then <see cref="Boot"/>, then
/// <see cref="IsComplete"/> and <see cref="Check"/> on the driving thread, never from a handler.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ISimulatedSystem
{
    /// <summary>The name printed in the result's lines.</summary>
    string Name { get; }

    /// <summary>The longest call timeout the system uses (bounds how long the call checker lets a call stay open).</summary>
    TimeSpan CallTimeoutMax { get; }

    /// <summary>The isolate types the fault engine may crash, fail to spawn, or refuse mail to.</summary>
    IReadOnlyCollection<Type> FaultTargetTypes { get; }

    /// <summary>Shard count, capacities, isolate registrations. The engine then sets the clock, logging and pinning.</summary>
    void Configure(TinaSpec spec);

    /// <summary>Spawns the roots and sends the first messages. <paramref name="seed"/> is the run's workload seed.</summary>
    void Boot(TinaRuntime runtime, ulong seed);

    /// <summary>True when the work is done (checked at quiescence: quiescent and incomplete is a Liveness failure).</summary>
    bool IsComplete(TinaRuntime runtime);

    /// <summary>The system's own invariant, checked with the built-in checkers; false with a reason is a violation.</summary>
    bool Check(TinaRuntime runtime, bool final, out string? violation);
}
