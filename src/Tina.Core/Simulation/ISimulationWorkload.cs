using System;
using System.Collections.Generic;

namespace Tina.Simulation;

/// <summary>
/// What a simulation runs: the boot spec, the root isolates, which faults they claim to survive, when the work is
/// complete, and the application's own invariants. One instance per run (it may remember handles it booted).
/// Everything it draws must come from the workload stream it is given.
/// </summary>
internal interface ISimulationWorkload
{
    /// <summary>A short name, used in failure lines and by the replay test to find the workload.</summary>
    string Name { get; }

    /// <summary>The longest call timeout its isolates use: the bound of the call-resolution checker.</summary>
    TimeSpan CallTimeoutMax { get; }

    /// <summary>Sizes the spec (shards, isolate types, capacities). Clock, pinning and logging are the simulator's.</summary>
    void Configure(TinaSpec spec, ref Xoshiro256StarStar random);

    /// <summary>Which isolate types each fault class may hit (indices as registered in <see cref="Configure"/>).</summary>
    FaultTargets CreateFaultTargets(TinaSpec spec);

    /// <summary>Components of the simulated world it needs (none for most workloads).</summary>
    IReadOnlyList<ISimulationComponent> CreateComponents();

    /// <summary>Spawns the root isolates before the first round.</summary>
    void Boot(TinaRuntime runtime, ref Xoshiro256StarStar random);

    /// <summary>True when the work is done (checked at quiescence: quiescent and incomplete is a liveness failure).</summary>
    bool IsComplete(TinaRuntime runtime);

    /// <summary>The application's invariants, run with the simulator's checkers.</summary>
    /// <param name="runtime">The runtime between rounds (no tick in progress).</param>
    /// <param name="final">True at the end of the run, after quiescence.</param>
    /// <param name="violation">What broke, when the result is false.</param>
    bool Check(TinaRuntime runtime, bool final, out string? violation);
}
