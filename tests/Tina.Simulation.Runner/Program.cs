// Tina.Simulation.Runner: runs one seed of a simulation workload and prints its result line (with the trace hash),
// or measures simulation speed. The determinism test runs it in a second process and compares hashes.
//
//   dotnet exec Tina.Simulation.Runner.dll run --workload dispatcher --seed 0x1234 [--fault-rounds N] [--liveness-rounds N] [--trace FILE]
//   dotnet exec Tina.Simulation.Runner.dll sweep --workload callmesh --seeds 10000 [--base 0xHEX] [--fault-rounds N] [--liveness-rounds N]
//   dotnet exec Tina.Simulation.Runner.dll speed [--seconds 10]
//   run and sweep take --strict: the checks behind a KnownDefect_* flag fail instead of counting (TolerateKnownDefects off)
using System;
using System.Globalization;
using System.Linq;
using Tina;
using Tina.Simulation;
using Tina.Simulation.Workloads;

return Runner.Run(args);

internal static class Runner
{
    public static int Run(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: run --workload NAME --seed 0xHEX [--fault-rounds N] [--liveness-rounds N] [--trace FILE] | speed [--seconds N]");
            return 2;
        }

        return args[0] switch
        {
            "run" => RunOne(args),
            "sweep" => Sweep(args),
            "speed" => SpeedCommand.Run(Option(args, "--seconds", "10")),
            _ => Usage(args[0]),
        };
    }

    private static int RunOne(string[] args)
    {
        string workload = Option(args, "--workload", "dispatcher");
        if (!SimulationResult.TryParseSeed(Option(args, "--seed", "0x1"), out ulong seed))
        {
            Console.Error.WriteLine("--seed takes 0xHEX or decimal");
            return 2;
        }

        var options = new SimulationOptions
        {
            FaultRounds = int.Parse(Option(args, "--fault-rounds", "2000"), CultureInfo.InvariantCulture),
            LivenessRounds = int.Parse(Option(args, "--liveness-rounds", "20000"), CultureInfo.InvariantCulture),
            TraceFile = OptionOrNull(args, "--trace"),
            TolerateKnownDefects = !args.Contains("--strict"),
        };
        ISimulationWorkload? instance = WorkloadCatalog.Create(workload);
        if (instance is null)
        {
            Console.Error.WriteLine($"unknown workload {workload}; known: {string.Join(", ", WorkloadCatalog.Names)}");
            return 2;
        }

        var simulator = new Simulator(instance, seed, options);
        SimulationResult result = simulator.Run();
        Console.WriteLine(result.Passed ? result.SummaryLine : result.FailureLine);
        if (args.Contains("--counters"))
        {
            for (ShardCounter counter = 0; counter < ShardCounter.Count; counter++)
            {
                long total = simulator.Runtime.Total(counter);
                if (total != 0)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {counter,-26} {total}"));
                }
            }

            for (FaultClass fault = 0; fault <= FaultClass.PartitionHealed; fault++)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  fault {fault,-20} {simulator.Faults.Hits(fault)}"));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hash=0x{result.TraceHash:x16}"));
        return result.Passed ? 0 : 1;
    }

    /// <summary>Many seeds from a base (SplitMix64 sequence, as the test sweep): prints each failure line and a summary.</summary>
    private static int Sweep(string[] args)
    {
        string workload = Option(args, "--workload", "dispatcher");
        int seeds = int.Parse(Option(args, "--seeds", "1000"), CultureInfo.InvariantCulture);
        if (!SimulationResult.TryParseSeed(Option(args, "--base", "0x7153000051EED001"), out ulong baseSeed))
        {
            Console.Error.WriteLine("--base takes 0xHEX or decimal");
            return 2;
        }

        var options = new SimulationOptions
        {
            FaultRounds = int.Parse(Option(args, "--fault-rounds", "400"), CultureInfo.InvariantCulture),
            LivenessRounds = int.Parse(Option(args, "--liveness-rounds", "20000"), CultureInfo.InvariantCulture),
            FailureTraceDirectory = OptionOrNull(args, "--trace-dir"),
            TolerateKnownDefects = !args.Contains("--strict"),
        };
        int failures = 0;
        long dispatches = 0;
        int outlived = 0;
        var echo = new EchoTotals();
        var http = new HttpSimTotals { Runs = 0 };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < seeds; i++)
        {
            ISimulationWorkload? instance = WorkloadCatalog.Create(workload);
            if (instance is null)
            {
                Console.Error.WriteLine($"unknown workload {workload}; known: {string.Join(", ", WorkloadCatalog.Names)}");
                return 2;
            }

            var simulator = new Simulator(instance, SplitMix64.Nth(baseSeed, (ulong)i), options);
            SimulationResult result = simulator.Run();
            dispatches += result.Dispatches;
            outlived += result.Rounds > options.FaultRounds ? 1 : 0;
            if (instance is TcpEchoWorkload<EchoSession> tcp)
            {
                echo.Add(tcp.Totals(simulator.Runtime));
            }

            if (instance is HttpServerWorkload<SimEchoHandler> server)
            {
                http.Add(server.Totals(simulator.Runtime));
            }

            if (!result.Passed)
            {
                failures++;
                Console.WriteLine(result.FailureLine);
            }
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"sweep {workload}: {seeds} seeds from {SimulationResult.FormatSeed(baseSeed)}, {failures} failures, {dispatches} messages, {outlived} runs outlived the fault phase, {watch.Elapsed.TotalSeconds:F1} s"));
        if (echo.Exchanges > 0)
        {
            Console.WriteLine("  tcp-echo: " + echo);
        }

        if (http.Runs > 0)
        {
            Console.WriteLine("  http-server: " + http);
        }

        return failures == 0 ? 0 : 1;
    }

    private static int Usage(string command)
    {
        Console.Error.WriteLine($"unknown command {command}");
        return 2;
    }

    internal static string Option(string[] args, string name, string fallback) => OptionOrNull(args, name) ?? fallback;

    internal static string? OptionOrNull(string[] args, string name)
    {
        for (int i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == name)
            {
                return args[i + 1];
            }
        }

        return null;
    }
}
