namespace Tina.Simulation;

/// <summary>
/// A piece of the simulated world outside the shards (the Tina.Io simulated network and disk, a lossy link in a
/// test) that the simulator drives round by round. It gets its own PRNG stream, so adding one never shifts the
/// draws of the scheduler, the faults or the workload.
/// </summary>
/// <remarks>
/// Order within a round: fault engine, then every component's <see cref="OnRound"/> (in the order the workload
/// listed them), then the shards in shuffled order. When every shard is idle the clock jumps to the earliest of the
/// shards' timer deadlines and every component's <see cref="NextEventNanoseconds"/>, so no component event is ever
/// skipped. A component must be deterministic: no wall clock, no threads, no hash-ordered iteration.
/// </remarks>
internal interface ISimulationComponent
{
    /// <summary>A short name for traces and failure lines.</summary>
    string Name { get; }

    /// <summary>Called once before the first round, after the workload booted.</summary>
    void Attach(TinaRuntime runtime, TraceRecorder trace);

    /// <summary>Called once per round before the shards run.</summary>
    /// <param name="round">The round about to run (0-based).</param>
    /// <param name="nowNanoseconds">Simulated now for this round.</param>
    /// <param name="random">The component's own stream.</param>
    void OnRound(long round, long nowNanoseconds, ref Xoshiro256StarStar random);

    /// <summary>True when the component has work this round (pending deliveries due now): the round is not idle.</summary>
    bool HasPendingWork(long nowNanoseconds);

    /// <summary>The simulated time of the component's next event, or <see cref="long.MaxValue"/> when it has none.</summary>
    long NextEventNanoseconds(long nowNanoseconds);

    /// <summary>The fault phase ended: stop injecting the component's own faults (drops, resets, delays beyond normal).</summary>
    void OnFaultsOff();

    /// <summary>The component's own invariants, run with the simulator's checkers.</summary>
    /// <param name="final">True at the end of the run.</param>
    /// <param name="violation">What broke, when the result is false.</param>
    bool Check(bool final, out string? violation);
}
