using System;

namespace Tina.Benchmarks;

/// <summary>Fails a benchmark's setup when one operation did not do the work it claims to measure.</summary>
internal static class BenchmarkCheck
{
    public static void Equal(string what, long expected, long actual)
    {
        if (expected != actual)
        {
            throw new InvalidOperationException($"{what}: expected {expected}, got {actual}; the benchmark would measure the wrong thing.");
        }
    }
}
