using System.IO;
using NUnit.Framework;
using Tina.Simulation;

namespace Tina.Tests.Simulation;

/// <summary>
/// The checkers bite: with a bug planted, a sweep finds a failing seed, replaying that seed fails the same way
/// (same round, same checker, same detail, same trace hash), and the same seed without the bug passes.
/// </summary>
public sealed class PlantedBugTests
{
    private const int SeedsMax = 400;
    private const ulong BaseSeed = 0xB0C5_0000_0000_0001;

    [TestCase("dispatcher-double-count", "Application:dispatcher-double-count")]
    [TestCase("callmesh-lossy-link", "MessageAccounting")]
    [TestCase("tcp-echo-dropped-byte", "Application:tcp-echo-dropped-byte")]
    [TestCase("tcp-echo-corrupting-network", "Component:network")]
    [TestCase("lifecycle-misaddressed-down", "Watches")]
    [TestCase("shutdown-uncounted-remote-loan", "Leaks")]
    [TestCase("lifecycle-hidden-timer", "Timers")]
    [TestCase("supervision-eaten-outcome", "CallOutcome")]
    [TestCase("http-server-stale-echo", "Application:http-server-stale-echo")]
    public void PlantedBug_SweepFindsAFailingSeed_AndReplayReproducesIt(string workload, string checker)
    {
        SimulationResult? failure = null;
        int tried = 0;
        for (int i = 0; i < SeedsMax && failure is null; i++)
        {
            tried++;
            SimulationResult result = Run(workload, SimulationCatalog.SweepSeed(BaseSeed, i), null);
            if (!result.Passed)
            {
                failure = result;
            }
        }

        Assert.That(failure, Is.Not.Null, $"no seed of {tried} caught the planted bug");
        TestContext.Out.WriteLine($"found after {tried} seeds: {failure!.FailureLine}");
        Assert.That(failure.Checker, Is.EqualTo(checker), failure.FailureLine);

        string trace = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"planted-{workload}.trace");
        SimulationResult replay = Run(workload, failure.Seed, trace);
        Assert.That(replay.Passed, Is.False);
        Assert.That(replay.Checker, Is.EqualTo(failure.Checker));
        Assert.That(replay.Rounds, Is.EqualTo(failure.Rounds));
        Assert.That(replay.Detail, Is.EqualTo(failure.Detail));
        Assert.That(replay.TraceHash, Is.EqualTo(failure.TraceHash));
        Assert.That(File.ReadAllText(trace), Does.Contain("TINA-SIM FAIL").And.Contain("dispatch"), "the trace dump of the replay");

        // The same seed without the planted bug passes: the checker caught the bug, not the workload.
        if (PlainOf(workload) is { } plain)
        {
            SimulationResult control = Run(plain, failure.Seed, null);
            Assert.That(control.Passed, Is.True, "without the planted bug: " + control);
        }
    }

    /// <summary>The workload a planted variant is built on.</summary>
    private static string? PlainOf(string workload) => workload switch
    {
        "dispatcher-double-count" => "dispatcher",
        "callmesh-lossy-link" => "callmesh",
        "tcp-echo-dropped-byte" or "tcp-echo-corrupting-network" => "tcp-echo",
        "lifecycle-misaddressed-down" or "lifecycle-hidden-timer" => "lifecycle",
        "shutdown-uncounted-remote-loan" => "shutdown",
        "supervision-eaten-outcome" => "supervision",
        "http-server-stale-echo" => "http-server",
        _ => null,
    };

    private static SimulationResult Run(string workload, ulong seed, string? traceFile)
    {
        SimulationOptions sweep = SimulationCatalog.SweepOptions();
        var options = new SimulationOptions
        {
            FaultRounds = sweep.FaultRounds,
            LivenessRounds = sweep.LivenessRounds,
            TraceFile = traceFile,
        };
        return new Simulator(SimulationCatalog.Create(workload), seed, options).Run();
    }
}
