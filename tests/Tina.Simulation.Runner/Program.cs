// Tina.Simulation.Runner: runs one seed of a simulation workload and prints its result line (with the trace hash),
// or measures simulation speed. The determinism test runs it in a second process and compares hashes.
//
//   dotnet exec Tina.Simulation.Runner.dll run --workload dispatcher --seed 0x1234 [--fault-rounds N] [--liveness-rounds N] [--trace FILE]
//   dotnet exec Tina.Simulation.Runner.dll speed [--seconds 10]
using System;
using System.Globalization;
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
        };
        ISimulationWorkload? instance = Workloads.Create(workload);
        if (instance is null)
        {
            Console.Error.WriteLine($"unknown workload {workload}; known: {string.Join(", ", Workloads.Names)}");
            return 2;
        }

        SimulationResult result = new Simulator(instance, seed, options).Run();
        Console.WriteLine(result.Passed ? result.SummaryLine : result.FailureLine);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hash=0x{result.TraceHash:x16}"));
        return result.Passed ? 0 : 1;
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
