namespace Tina.Simulation;

/// <summary>
/// The PRNG tree: the run's 64-bit seed feeds SplitMix64, whose n-th output is the child seed of stream n
/// (<see cref="SimulationStream"/>). Streams are independent, so extra draws in one (a new fault site, a longer
/// workload) never shift the draws of another.
/// </summary>
internal static class SeedTree
{
    /// <summary>The child seed of <paramref name="stream"/>.</summary>
    public static ulong ChildSeed(ulong seed, SimulationStream stream) => SplitMix64.Nth(seed, (ulong)stream);

    /// <summary>A generator for <paramref name="stream"/> of the run seeded with <paramref name="seed"/>.</summary>
    public static Xoshiro256StarStar Open(ulong seed, SimulationStream stream) => new(ChildSeed(seed, stream));

    /// <summary>A generator for component <paramref name="index"/> (streams from <see cref="SimulationStream.Component0"/> on).</summary>
    public static Xoshiro256StarStar OpenComponent(ulong seed, int index) =>
        new(SplitMix64.Nth(seed, (ulong)SimulationStream.Component0 + (ulong)index));
}
