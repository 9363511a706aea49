using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using NUnit.Framework;
using Tina.Simulation;

namespace Tina.Tests.Simulation;

/// <summary>
/// Replays one seed. A failing run prints its rerun command, which lands here:
/// <code>
/// dotnet test tests/Tina.Core.Tests --filter "FullyQualifiedName~SimulationReplay" -e TINA_SEED=0x... -e TINA_WORKLOAD=dispatcher
/// </code>
/// (<c>TINA_FAULT_ROUNDS</c> and <c>TINA_LIVENESS_ROUNDS</c> default to the sweep's; <c>TINA_TRACE=path</c> writes
/// the run's last events there.) Without <c>TINA_SEED</c> it replays a fixed seed of every sweep workload twice and
/// checks both runs agree. Regression seeds are test cases with the seed in their name:
/// <c>dotnet test tests/Tina.Core.Tests --filter "Name~0x..."</c> reruns one.
/// </summary>
public sealed class SimulationReplayTests
{
    private const ulong DefaultSeed = 0x5EED_0000_0000_0042;

    /// <summary>Seeds that once failed (or that reach rare paths), kept forever. Append, never remove.</summary>
    public static IEnumerable<TestCaseData> Regressions()
    {
        foreach ((string workload, ulong seed) in new (string, ulong)[]
        {
            ("dispatcher", 0x7153_0000_5EED_0001),
            ("callmesh", 0x7153_0000_5EED_0001),
            ("tcp-echo", 0x7153_0000_5EED_0001),
            ("tcp-echo", 0x25E2_0C4B_8EDA_1A24), // multishot accept: a listener in EMFILE back-off with its backlog at quiescence
            ("callmesh", 0x128B_B903_7F59_200A), // an injected mailbox refusal held a ring for an idle target: envelopes stranded at quiescence
            ("lifecycle", 0x59F6_4D0B_69DA_C933), // a buffer homed on a quarantined shard, owned by an exited remote isolate
            ("lifecycle", 0xEF36_D414_C3E4_A215), // a remote watch refused by a full table whose Refused Down is lost (known defect)
            ("supervision", 0x7153_0000_5EED_0001),
            ("shutdown", 0x7153_0000_5EED_0001),
            ("http-server", 0xB32E_7116_08E8_FD0D), // a bodiless pipelined request whose head completed at a full output waited for bytes that never came: 408 after a shed 503's Connection: close
            ("http-server", 0x9C82_E161_5D65_624B), // the same stall after the faults: 408 to a request read whole
            ("http-server", 0xF8DD_D240_7E3F_1076), // a slow-reading client's next request crosses the server's idle close (the keep-alive race, allowed)
            ("http-server", 0x4623_786A_1488_9291), // a parse error in a chunked body answered 400, then the same receive's body-rate check answered 408
        })
        {
            yield return new TestCaseData(workload, seed)
                .SetName($"SimulationReplay_Regression_{workload}_{SimulationResult.FormatSeed(seed)}")
                .SetProperty("Seed", SimulationResult.FormatSeed(seed));
        }
    }

    [Test]
    public void SimulationReplay_SeedFromEnvironment_ReproducesTheRun()
    {
        string? seedText = Environment.GetEnvironmentVariable("TINA_SEED");
        if (!SimulationResult.TryParseSeed(seedText, out ulong seed))
        {
            Assert.That(seedText, Is.Null.Or.Empty, $"TINA_SEED '{seedText}' is not 0xHEX or decimal");
            foreach (string name in SimulationCatalog.SweepWorkloads)
            {
                ReplayTwice(name, DefaultSeed, Options(null));
            }

            return;
        }

        string workload = Environment.GetEnvironmentVariable("TINA_WORKLOAD") is { Length: > 0 } named ? named : "dispatcher";
        SimulationResult result = ReplayTwice(workload, seed, Options(Environment.GetEnvironmentVariable("TINA_TRACE")));
        TestContext.Out.WriteLine(result.Passed ? result.SummaryLine : result.FailureLine);
        Assert.That(result.Passed, Is.True, result.FailureLine);
    }

    [TestCaseSource(nameof(Regressions))]
    public void SimulationReplay_Regression(string workload, ulong seed)
    {
        SimulationResult result = ReplayTwice(workload, seed, SimulationCatalog.SweepOptions());
        TestContext.Out.WriteLine(result.SummaryLine);
        Assert.That(result.Passed, Is.True, result.FailureLine);
    }

    private static SimulationResult ReplayTwice(string workload, ulong seed, SimulationOptions options)
    {
        SimulationResult first = new Simulator(SimulationCatalog.Create(workload), seed, options).Run();
        SimulationResult second = new Simulator(SimulationCatalog.Create(workload), seed, options).Run();
        Assert.That(second.TraceHash, Is.EqualTo(first.TraceHash), "a replay diverged: the simulation is not deterministic");
        Assert.That(second.Checker, Is.EqualTo(first.Checker));
        Assert.That(second.Rounds, Is.EqualTo(first.Rounds));
        return first;
    }

    private static SimulationOptions Options(string? traceFile) => new()
    {
        FaultRounds = Rounds("TINA_FAULT_ROUNDS", SimulationCatalog.SweepFaultRounds),
        LivenessRounds = Rounds("TINA_LIVENESS_ROUNDS", SimulationCatalog.SweepLivenessRounds),
        TraceFile = string.IsNullOrEmpty(traceFile) ? null : Path.GetFullPath(traceFile),
    };

    private static int Rounds(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out int rounds)
            ? rounds
            : fallback;
}
