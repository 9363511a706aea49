namespace Tina.Simulation.Workloads;

/// <summary>
/// The workload isolates' own generator (Marsaglia's xorshift64, shifts 13, 7, 17): one <c>ulong</c> of state in the
/// isolate, seeded from its start message with the low bit set, since a zero state never leaves zero. The isolates
/// keep a plain <c>ulong</c> rather than a <see cref="Xoshiro256StarStar"/>, so their draws stay what the trace hashes
/// were recorded with.
/// </summary>
internal static class XorShift64
{
    /// <summary>Advances <paramref name="state"/> and returns it.</summary>
    public static ulong Next(ref ulong state)
    {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    }
}
