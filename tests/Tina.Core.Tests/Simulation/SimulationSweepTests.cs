using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using NUnit.Framework;
using Tina.Http.Server;
using Tina.Simulation;
using Tina.Simulation.Workloads;

namespace Tina.Tests.Simulation;

/// <summary>
/// The CI seed sweep (D2, D3, D8): 1,500 seeds of the dispatcher and of the call mesh, 1,000 each of tcp-echo and
/// of the lifecycle workloads (supervision, lifecycle, shutdown), 600 of http-server: 7,600 in all, every seed drawing
/// its own fault rates (and, for tcp-echo and http-server, its own network knobs); every run must
/// end quiescent with the work complete and no checker violation. The seeds come from <c>TINA_SWEEP_SEED</c> (hex)
/// when set, so CI can seed from the commit, else from a fixed base. A failure prints one line per failing seed with
/// the rerun command; the trace of each failing run goes to the test's work directory.
/// </summary>
public sealed class SimulationSweepTests
{
    private const ulong DefaultBaseSeed = 0x7153_0000_5EED_0001;

    [TestCase("dispatcher", 1500)]
    [TestCase("callmesh", 1500)]
    [TestCase("tcp-echo", 1000)]
    [TestCase("supervision", 1000)]
    [TestCase("lifecycle", 1000)]
    [TestCase("shutdown", 1000)]
    [TestCase("http-server", 600)]
    public void Sweep_EverySeed_EndsQuiescentWithoutViolation(string workload, int seeds)
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
        var echo = new EchoTotals();
        var life = new LifecycleTotals();
        var http = new HttpSimTotals { Runs = 0 };
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < seeds; i++)
        {
            ulong seed = SimulationCatalog.SweepSeed(baseSeed, i);
            ISimulationWorkload instance = SimulationCatalog.Create(workload);
            var simulator = new Simulator(instance, seed, options);
            SimulationResult result = simulator.Run();
            if (instance is TcpEchoWorkload<EchoSession> tcp)
            {
                echo.Add(tcp.Totals(simulator.Runtime));
            }

            if (instance is HttpServerWorkload<SimEchoHandler> server)
            {
                http.Add(server.Totals(simulator.Runtime));
            }

            if (instance is LifecycleWorkload lifecycle)
            {
                life.Add(lifecycle.World, simulator);
            }

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
            $"sweep {workload}: {seeds} seeds from base {SimulationResult.FormatSeed(baseSeed)} in {watch.Elapsed.TotalSeconds:F1} s; " +
            $"{rounds} rounds, {dispatches} messages, {faults} faults; {convergedAfterFaults} runs outlived the fault phase; failures {failures.Count}");
        for (int fault = 0; fault < hits.Length; fault++)
        {
            TestContext.Out.WriteLine($"  {(FaultClass)fault}: {hits[fault]}");
        }

        if (echo.Exchanges > 0)
        {
            TestContext.Out.WriteLine("  tcp-echo: " + echo);
        }

        if (life.Runs > 0)
        {
            TestContext.Out.WriteLine("  " + life);
        }

        if (http.Runs > 0)
        {
            TestContext.Out.WriteLine("  http-server: " + http);
        }

        foreach (string failure in failures)
        {
            TestContext.Out.WriteLine(failure);
        }

        Assert.That(failures, Is.Empty, "failing seeds (each line has its rerun command)");
        // Sometimes-coverage (D9): across the sweep every fault class fired, and runs reached the calm phase.
        // tcp-echo and http-server send no messages between shards, so ring, partition and mailbox refusals cannot
        // happen there; their network faults must show instead, each as the typed failure a client saw.
        bool network = workload is "tcp-echo" or "http-server";
        for (int fault = 0; fault < hits.Length; fault++)
        {
            if (network && (FaultClass)fault is FaultClass.RingRefusal or FaultClass.PartitionRefusal or FaultClass.MailboxRefusal)
            {
                continue;
            }

            Assert.That(hits[fault], Is.Positive, $"fault class {(FaultClass)fault} never fired");
        }

        if (http.Runs > 0)
        {
            AssertHttpCoverage(http);
        }

        if (workload == "tcp-echo")
        {
            Assert.That(echo.Resets, Is.Positive, "no connection reset reached a client");
            Assert.That(echo.IoErrors, Is.Positive, "no injected I/O error reached a client");
            Assert.That(echo.Timeouts, Is.Positive, "no client operation timed out (partitions)");
            Assert.That(echo.EarlyEnds, Is.Positive, "no stream ended early (session crashed or reset)");
            Assert.That(echo.Partitions, Is.Positive, "the echo port was never partitioned");
            Assert.That(echo.ReceiveArms, Is.Positive, "no run served receives from multishot arms");
            Assert.That(echo.ReceiveFallbacks, Is.Positive, "no run's provided-buffer ring ran dry (ENOBUFS fallback untested)");
            Assert.That(echo.MultishotAcceptRuns, Is.Positive, "no run served accepts from multishot arms");
            Assert.That(echo.MultishotAcceptBackoffs, Is.Positive, "no multishot accept arm ended in EMFILE back-off");
        }

        if (life.Runs > 0)
        {
            life.AssertCoverage(workload);
        }

        // A shutdown run ends by its shutdown (5–64 ms in), well inside the fault phase.
        if (workload != "shutdown")
        {
            Assert.That(convergedAfterFaults, Is.Positive, "no run outlived its fault phase, so liveness after faults went untested");
        }
    }

    /// <summary>Sometimes-coverage of the http-server sweep: every kind of request, fault and answer showed up.</summary>
    private static void AssertHttpCoverage(HttpSimTotals http)
    {
        Assert.That(http.PipelinedBatches, Is.Positive, "no pipelined batch");
        Assert.That(http.SlowSessions, Is.Positive, "no slow peer");
        Assert.That(http.Aborts, Is.Positive, "no client abort mid-request");
        Assert.That(http.CalmSessions, Is.Positive, "no session after the faults (the strict rules went untested)");
        Assert.That(http.MalformedSent, Is.Positive, "no malformed request");
        Assert.That(http.ParseRejections, Is.Positive, "no parser rejection reached a client");
        Assert.That(http.HandlerOk, Is.Positive, "no handler answer");
        Assert.That(http.HandlerFailures, Is.Positive, "no handler failure (crash, timeout) reached a client");
        Assert.That(http.Shed, Is.Positive, "no shed 503 reached a client");
        Assert.That(http.Timeouts408, Is.Positive, "no 408 reached a client");
        Assert.That(http.IdleCloses, Is.Positive, "no kept-alive connection closed idle");
        Assert.That(http.Unanswered, Is.Positive, "no connection ended with requests unanswered");
        Assert.That(http.IoFailures, Is.Positive, "no I/O failure (reset, EIO) reached a client");
        Assert.That(http.Partitions, Is.Positive, "the server port was never partitioned");
        Assert.That(http[HttpServerCounter.ParsePauses], Is.Positive, "parsing never paused at the pending mark");
        Assert.That(http[HttpServerCounter.BodyRateTimeouts], Is.Positive, "no body-rate timeout");
        Assert.That(http[HttpServerCounter.ConnectionsRefusedSpawn], Is.Positive, "no connection refused at spawn");
    }
}
