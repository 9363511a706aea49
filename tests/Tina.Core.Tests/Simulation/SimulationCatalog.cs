using System;
using Tina.Simulation;
using Tina.Simulation.Workloads;

namespace Tina.Tests.Simulation;

/// <summary>
/// Every workload the simulation tests run, by name (the runner's three plus the planted-bug variants), and the
/// options the sweep uses, so a replay from a failure line runs exactly the same simulation.
/// </summary>
internal static class SimulationCatalog
{
    /// <summary>Rounds with faults on in the CI sweep: about half of a typical run's work happens under faults.</summary>
    public const int SweepFaultRounds = 400;

    /// <summary>Rounds the sweep allows after the faults stop for the run to converge.</summary>
    public const int SweepLivenessRounds = 20_000;

    public static readonly string[] SweepWorkloads = ["dispatcher", "callmesh", "tcp-echo", "supervision", "lifecycle", "shutdown", "http-server"];

    public static ISimulationWorkload Create(string name) => name switch
    {
        "dispatcher" => new DispatcherWorkload<JobDispatcher>(),
        "callmesh" => new CallMeshWorkload(),
        "dispatcher-double-count" => new DispatcherWorkload<DoubleCountingDispatcher>("dispatcher-double-count"),
        "callmesh-lossy-link" => new LossyCallMeshWorkload(),
        "tcp-echo" => new TcpEchoWorkload<EchoSession>(),
        "tcp-echo-dropped-byte" => new TcpEchoWorkload<DroppingEchoSession>("tcp-echo-dropped-byte"),
        "tcp-echo-corrupting-network" => new CorruptingTcpEchoWorkload(),
        "supervision" => new LifecycleWorkload(LifecycleMode.Supervision),
        "lifecycle" => new LifecycleWorkload(LifecycleMode.Cancellation),
        "shutdown" => new LifecycleWorkload(LifecycleMode.Shutdown),
        "lifecycle-misaddressed-down" => new LifecycleWorkload(LifecycleMode.Cancellation, "lifecycle-misaddressed-down", () => new MisaddressedDownBug()),
        "shutdown-uncounted-remote-loan" => new LifecycleWorkload(LifecycleMode.Shutdown, "shutdown-uncounted-remote-loan", () => new UncountedRemoteLoanBug()),
        "lifecycle-hidden-timer" => new LifecycleWorkload(LifecycleMode.Cancellation, "lifecycle-hidden-timer", () => new HiddenTimerBug()),
        "supervision-eaten-outcome" => new LifecycleWorkload(LifecycleMode.Supervision, "supervision-eaten-outcome", () => new EatenOutcomeBug()),
        "http-server" => new HttpServerWorkload<SimEchoHandler>(),
        "http-server-stale-echo" => new HttpServerWorkload<StaleEchoHandler>("http-server-stale-echo"),
        _ => throw new ArgumentException($"unknown simulation workload '{name}'", nameof(name)),
    };

    public static SimulationOptions SweepOptions(string? failureTraceDirectory = null) => new()
    {
        FaultRounds = SweepFaultRounds,
        LivenessRounds = SweepLivenessRounds,
        FailureTraceDirectory = failureTraceDirectory,
    };

    /// <summary>The i-th seed of a sweep from <paramref name="baseSeed"/>.</summary>
    public static ulong SweepSeed(ulong baseSeed, int index) => SplitMix64.Nth(baseSeed, (ulong)index);
}
