using Tina.Advanced;

namespace Tina.Benchmarks;

/// <summary>Steps a <see cref="DeterministicRuntime"/> on the benchmark thread.</summary>
internal static class Driven
{
    /// <summary>A runtime that is never started: the benchmark thread runs its shards' ticks, under frozen time.</summary>
    public static DeterministicRuntime Create(TinaSpec spec) => new(spec, new FrozenTime());

    /// <summary>
    /// Runs rounds (one tick of every shard each) until no shard did work or has work left; returns the rounds run.
    /// With frozen time nothing becomes due later, so this is the whole of the work queued so far.
    /// </summary>
    public static int UntilIdle(DeterministicRuntime runtime)
    {
        int rounds = 1;
        while (runtime.RunRound())
        {
            rounds++;
        }

        return rounds;
    }
}
