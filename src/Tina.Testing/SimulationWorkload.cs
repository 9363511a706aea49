using System;
using System.Collections.Generic;

namespace Tina.Testing;

/// <summary>
/// A user's system under simulation: the runtime's shape, the isolates, how the work starts, when it is done and what
/// must hold. Subclass it; a <see cref="Simulation"/> run creates a fresh instance per seed from a factory, so fields
/// can hold the run's test state (handlers reach it through a static or through their start messages).
/// </summary>
/// <remarks>Every member runs on the simulation's single thread; handlers run on it too, between calls.</remarks>
public abstract class SimulationWorkload
{
    /// <summary>The name printed in the result's lines (default: the type's name).</summary>
    public virtual string Name => GetType().Name;

    /// <summary>The longest call timeout the isolates use; the call checker lets a call stay open this long (plus slack).</summary>
    public virtual TimeSpan CallTimeoutMax => TimeSpan.FromSeconds(1);

    /// <summary>The isolate types faults may hit (crash, failed spawn, refused mail). Default: none.</summary>
    public virtual IReadOnlyCollection<Type> FaultTargets => Array.Empty<Type>();

    /// <summary>Shard count, capacities and isolate registrations. The simulation sets the clock, logging and pinning.</summary>
    public abstract void Configure(TinaSpec spec);

    /// <summary>Spawns the roots and sends the first messages; <paramref name="seed"/> seeds the workload's own choices.</summary>
    public abstract void Setup(TinaRuntime runtime, ulong seed);

    /// <summary>True when the work is done. Quiescent and not complete is a Liveness failure. Default: true.</summary>
    public virtual bool IsComplete(TinaRuntime runtime) => true;

    /// <summary>
    /// The workload's own invariant, run with the built-in checkers; return a reason to fail the run, null when it
    /// holds. <paramref name="final"/> is true at quiescence. Default: always holds.
    /// </summary>
    public virtual string? Check(TinaRuntime runtime, bool final) => null;

    /// <summary>
    /// The live instance of <paramref name="isolate"/>, by reference, to read its state in <see cref="IsComplete"/>
    /// or <see cref="Check"/>. Throws <see cref="InvalidOperationException"/> when it is not alive.
    /// </summary>
    /// <typeparam name="TIsolate">The isolate's registered type.</typeparam>
    protected static ref TIsolate InstanceOf<TIsolate>(TinaRuntime runtime, Handle isolate)
        where TIsolate : IIsolate => ref Tina.Advanced.SimulationEngine.InstanceOf<TIsolate>(runtime, isolate);
}
