using Tina.Scheduling;

namespace Tina.Simulation;

/// <summary>
/// How a workload's isolates tell the simulator's checkers what they asked the runtime for, so the checkers can hold
/// the runtime to it: watches <see cref="Context.Watch"/> accepted, unwatches <see cref="Context.Unwatch"/> accepted,
/// and user timers <see cref="Context.RegisterTimer"/> returned. Outside a simulation (the runtime's observer is not a
/// simulator) every call does nothing, so the same isolates run anywhere.
/// </summary>
/// <remarks>Called on the shard thread inside a handler; in a simulation that is the simulator's one thread.</remarks>
internal static class SimulationLedger
{
    /// <summary>The simulator driving <paramref name="runtime"/>, or null.</summary>
    public static Simulator? SimulatorOf(TinaRuntime runtime) => runtime.Observer as Simulator;

    /// <summary>The current isolate's <see cref="Context.Watch"/> of <paramref name="target"/> returned true.</summary>
    public static void Watched(ref Context ctx, Handle target) =>
        SimulatorOf(ctx.Shard.Runtime)?.Watches.OnWatched(ctx.Self, target);

    /// <summary>The current isolate's <see cref="Context.Unwatch"/> of <paramref name="target"/> returned true.</summary>
    public static void Unwatched(ref Context ctx, Handle target) =>
        SimulatorOf(ctx.Shard.Runtime)?.Watches.OnUnwatched(ctx.Self, target);

    /// <summary>The current isolate registered a user timer (ignored when it is <see cref="TimerId.None"/>).</summary>
    public static void TimerRegistered(ref Context ctx, TimerId timer)
    {
        if (!timer.IsNone)
        {
            SimulatorOf(ctx.Shard.Runtime)?.TimerLedger.OnRegistered(ctx.ShardId, timer);
        }
    }

    /// <summary>
    /// The workload declares (at boot) that every user timer its isolates register is reported through
    /// <see cref="TimerRegistered"/>, so the timer checker may count the wheel exactly.
    /// </summary>
    public static void ReportsAllTimers(TinaRuntime runtime)
    {
        if (SimulatorOf(runtime) is { } simulator)
        {
            simulator.TimerLedger.Exact = true;
        }
    }
}
