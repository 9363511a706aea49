using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using NUnit.Framework;
using Tina.Simulation;

namespace Tina.Tests.Simulation;

/// <summary>
/// The CI seed sweep (D2, D3, D8): 2,000 seeds of each workload, every seed drawing its own fault rates; every run must
/// end quiescent with the work complete and no checker violation. The seeds come from <c>TINA_SWEEP_SEED</c> (hex)
/// when set, so CI can seed from the commit, else from a fixed base. A failure prints one line per failing seed with
/// the rerun command; the trace of each failing run goes to the test's work directory.
/// </summary>
public sealed class SimulationSweepTests
{
    private const int SeedsPerWorkload = 2000;
    private const ulong DefaultBaseSeed = 0x7153_0000_5EED_0001;

    [TestCase("dispatcher")]
    [TestCase("callmesh")]
    public void Sweep_EverySeed_EndsQuiescentWithoutViolation(string workload)
    {
        ulong baseSeed = SimulationResult.TryParseSeed(Environment.GetEnvironmentVariable("TINA_SWEEP_SEED"), out ulong fromEnvironment)
            ? fromEnvironment
            : DefaultBaseSeed;
        string traces = Path.Combine(TestContext.CurrentContext.WorkDirectory, "simulation-failures");
        SimulationOptions options = SimulationCatalog.SweepOptions(traces);

        var failures = new List<string>();
        long dispatches = 0;
        long rounds = 0;
        long faults = 0;
        int convergedAfterFaults = 0;
        var hits = new long[(int)FaultClass.PartitionHealed + 1];
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < SeedsPerWorkload; i++)
        {
            ulong seed = SimulationCatalog.SweepSeed(baseSeed, i);
            var simulator = new Simulator(SimulationCatalog.Create(workload), seed, options);
            SimulationResult result = simulator.Run();
            if (!result.Passed)
            {
                failures.Add(result.FailureLine);
            }

            dispatches += result.Dispatches;
            rounds += result.Rounds;
            faults += result.FaultsInjected;
            convergedAfterFaults += result.Rounds > options.FaultRounds ? 1 : 0;
            for (int fault = 0; fault < hits.Length; fault++)
            {
                hits[fault] += simulator.Faults.Hits((FaultClass)fault);
            }
        }

        watch.Stop();
        TestContext.Out.WriteLine(
            $"sweep {workload}: {SeedsPerWorkload} seeds from base {SimulationResult.FormatSeed(baseSeed)} in {watch.Elapsed.TotalSeconds:F1} s; " +
            $"{rounds} rounds, {dispatches} messages, {faults} faults; {convergedAfterFaults} runs outlived the fault phase; failures {failures.Count}");
        for (int fault = 0; fault < hits.Length; fault++)
        {
            TestContext.Out.WriteLine($"  {(FaultClass)fault}: {hits[fault]}");
        }

        foreach (string failure in failures)
        {
            TestContext.Out.WriteLine(failure);
        }

        Assert.That(failures, Is.Empty, "failing seeds (each line has its rerun command)");
        // Sometimes-coverage (D9): across the sweep every fault class fired, and runs reached the calm phase.
        for (int fault = 0; fault < hits.Length; fault++)
        {
            Assert.That(hits[fault], Is.Positive, $"fault class {(FaultClass)fault} never fired");
        }

        Assert.That(convergedAfterFaults, Is.Positive, "no run outlived its fault phase, so liveness after faults went untested");
    }
}
