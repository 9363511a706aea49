namespace Tina.Io.Backends.Simulated;

/// <summary>Integer-only draws (no floats, so runs compare bit for bit across platforms).</summary>
internal static class NetworkRandomExtensions
{
    /// <summary>Uniform in [0, <paramref name="bound"/>) by Lemire's multiply-shift (bias below 2^-64 per draw is accepted).</summary>
    public static ulong Below(this INetworkRandom random, ulong bound)
    {
        if (bound <= 1)
        {
            return 0;
        }

        return (ulong)(((System.UInt128)random.NextUInt64() * bound) >> 64);
    }

    /// <summary>True with probability <paramref name="partsPerMillion"/> / 1,000,000 (0 never draws).</summary>
    public static bool Chance(this INetworkRandom random, int partsPerMillion) =>
        partsPerMillion > 0 && (partsPerMillion >= 1_000_000 || random.Below(1_000_000) < (ulong)partsPerMillion);

    /// <summary>Uniform in [min, max].</summary>
    public static long Between(this INetworkRandom random, long min, long max) =>
        max <= min ? min : min + (long)random.Below((ulong)(max - min + 1));
}
