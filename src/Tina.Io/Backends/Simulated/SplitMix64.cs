namespace Tina.Io.Backends.Simulated;

/// <summary>SplitMix64: a tiny, seedable, platform-independent generator (tests and the default simulated network).</summary>
internal sealed class SplitMix64 : INetworkRandom
{
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
