using System;
using BenchmarkDotNet.Running;
using Tina.Benchmarks.Throughput;

namespace Tina.Benchmarks;

/// <summary>
/// <c>--throughput [options]</c> runs the multi-shard Stopwatch runner (<see cref="ThroughputRunner"/>);
/// anything else goes to BenchmarkDotNet's switcher (for example <c>--filter '*IntraShard*'</c>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--throughput")
        {
            return ThroughputRunner.Run(args.AsSpan(1));
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
