using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using NUnit.Framework;
using Tina.Simulation;

namespace Tina.Tests.Simulation;

/// <summary>
/// D1: the same seed gives the same trace hash twice in this process and once more in a fresh process (which
/// catches per-process hash seeds and leaked statics); different seeds give different hashes.
/// </summary>
public sealed class SimulationDeterminismTests
{
    private static readonly ulong[] s_seeds = [0x1, 0xC0FFEE, 0x7153_0000_5EED_0001, 0xFFFF_FFFF_FFFF_FFFF];

    [TestCase("dispatcher")]
    [TestCase("callmesh")]
    [TestCase("tcp-echo")]
    [TestCase("supervision")]
    [TestCase("lifecycle")]
    [TestCase("shutdown")]
    [TestCase("http-server")]
    public void SameSeed_TwiceInProcess_SameTraceHash(string workload)
    {
        foreach (ulong seed in s_seeds)
        {
            SimulationResult first = Run(workload, seed);
            SimulationResult second = Run(workload, seed);
            Assert.That(first.Passed, Is.True, first.FailureLine);
            Assert.That(second.TraceHash, Is.EqualTo(first.TraceHash), $"seed {first.SeedText}");
            Assert.That(second.Rounds, Is.EqualTo(first.Rounds));
            Assert.That(second.Dispatches, Is.EqualTo(first.Dispatches));
        }
    }

    [TestCase("dispatcher")]
    [TestCase("callmesh")]
    [TestCase("tcp-echo")]
    [TestCase("supervision")]
    [TestCase("lifecycle")]
    [TestCase("shutdown")]
    [TestCase("http-server")]
    public void DifferentSeeds_DifferentTraceHashes(string workload)
    {
        Assert.That(Run(workload, 1).TraceHash, Is.Not.EqualTo(Run(workload, 2).TraceHash));
    }

    [TestCase("dispatcher")]
    [TestCase("callmesh")]
    [TestCase("tcp-echo")]
    [TestCase("supervision")]
    [TestCase("lifecycle")]
    [TestCase("shutdown")]
    [TestCase("http-server")]
    public void SameSeed_InAFreshProcess_SameTraceHash(string workload)
    {
        const ulong seed = 0xC0FFEE;
        SimulationResult local = Run(workload, seed);
        string runner = Path.Combine(AppContext.BaseDirectory, "Tina.Simulation.Runner.dll");
        Assert.That(File.Exists(runner), Is.True, $"the runner is built beside the tests: {runner}");

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            "exec", runner, "run", "--workload", workload, "--seed", SimulationResult.FormatSeed(seed),
            "--fault-rounds", SimulationCatalog.SweepFaultRounds.ToString(CultureInfo.InvariantCulture),
            "--liveness-rounds", SimulationCatalog.SweepLivenessRounds.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        Assert.That(process.WaitForExit(60_000), Is.True, "the runner finished");
        Assert.That(process.ExitCode, Is.Zero, output + errors);
        string expected = string.Create(CultureInfo.InvariantCulture, $"hash=0x{local.TraceHash:x16}");
        Assert.That(output, Does.Contain(expected), $"fresh process printed:\n{output}{errors}");
    }

    private static SimulationResult Run(string workload, ulong seed) =>
        new Simulator(SimulationCatalog.Create(workload), seed, SimulationCatalog.SweepOptions()).Run();
}
