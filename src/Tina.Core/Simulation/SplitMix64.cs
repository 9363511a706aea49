using System.Runtime.CompilerServices;

namespace Tina.Simulation;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood): the seeding generator of the simulator's PRNG tree. It turns one 64-bit seed
/// into well-mixed child seeds and into the four words of a <see cref="Xoshiro256StarStar"/> state.
/// </summary>
/// <remarks>
/// The sequence is <c>Mix(seed + k × Gamma)</c> for k = 1, 2, …, so its n-th output can be computed directly
/// (<see cref="Nth"/>): the seed tree uses that to give every named stream its own child seed without drawing the
/// others first. Never <c>System.Random</c> or <c>HashCode</c>: both differ between processes.
/// </remarks>
internal static class SplitMix64
{
    /// <summary>The golden-ratio increment.</summary>
    public const ulong Gamma = 0x9E3779B97F4A7C15;

    /// <summary>The SplitMix64 finaliser (also a good hash for spreading keys over shards).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>Advances <paramref name="state"/> and returns the next output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Next(ref ulong state)
    {
        state += Gamma;
        return Mix(state);
    }

    /// <summary>The <paramref name="index"/>-th output (0-based) of the sequence seeded with <paramref name="seed"/>.</summary>
    public static ulong Nth(ulong seed, ulong index) => Mix(seed + ((index + 1) * Gamma));
}
