using System;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Tina.Simulation;

/// <summary>
/// xoshiro256** 1.0 (Blackman and Vigna): the simulator's generator. A mutable struct: pass it by <c>ref</c>, never
/// copy it (a copy replays the same draws). Seeded through <see cref="SplitMix64"/>; the all-zero state, from which
/// the generator never leaves, is replaced by a fixed non-zero one.
/// </summary>
/// <remarks>
/// Bounded draws use Lemire's multiply-and-reject method (<see cref="NextBelow"/>): unbiased, and one multiply in
/// the common case. No floating point anywhere, so every platform draws the same numbers.
/// </remarks>
internal struct Xoshiro256StarStar
{
    /// <summary>One million: fault rates are given in parts per million.</summary>
    public const int PartsPerMillion = 1_000_000;

    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Seeds the state with four SplitMix64 outputs of <paramref name="seed"/>.</summary>
    public Xoshiro256StarStar(ulong seed)
    {
        ulong state = seed;
        _s0 = SplitMix64.Next(ref state);
        _s1 = SplitMix64.Next(ref state);
        _s2 = SplitMix64.Next(ref state);
        _s3 = SplitMix64.Next(ref state);
        GuardZeroState();
    }

    /// <summary>Sets the raw state (for the reference vectors in tests).</summary>
    public Xoshiro256StarStar(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        _s0 = s0;
        _s1 = s1;
        _s2 = s2;
        _s3 = s3;
        GuardZeroState();
    }

    /// <summary>The next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>The next 32 random bits (the high half, the better half of xoshiro's output).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint NextUInt32() => (uint)(NextUInt64() >> 32);

    /// <summary>A uniform value in [0, <paramref name="bound"/>); <paramref name="bound"/> must be positive.</summary>
    public uint NextBelow(uint bound)
    {
        Debug.Assert(bound > 0, "an empty range has no values");
        ulong product = (ulong)NextUInt32() * bound;
        uint low = (uint)product;
        if (low < bound)
        {
            uint threshold = (0u - bound) % bound;
            while (low < threshold)
            {
                product = (ulong)NextUInt32() * bound;
                low = (uint)product;
            }
        }

        return (uint)(product >> 32);
    }

    /// <summary>A uniform value in [<paramref name="minimum"/>, <paramref name="maximum"/>] (both inclusive).</summary>
    public int NextInclusive(int minimum, int maximum)
    {
        if (maximum < minimum)
        {
            throw new ArgumentOutOfRangeException(nameof(maximum), "the range is empty");
        }

        return minimum + (int)NextBelow((uint)(maximum - minimum) + 1);
    }

    /// <summary>True with probability <paramref name="ppm"/> / 1,000,000. Draws nothing when the rate is 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Chance(int ppm) => ppm > 0 && (ppm >= PartsPerMillion || NextBelow(PartsPerMillion) < (uint)ppm);

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates, every permutation equally likely).</summary>
    public void Shuffle(Span<int> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = (int)NextBelow((uint)i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private void GuardZeroState()
    {
        if ((_s0 | _s1 | _s2 | _s3) == 0)
        {
            _s0 = SplitMix64.Gamma;
        }
    }
}
