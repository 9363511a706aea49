namespace Tina.Io.Backends.Simulated;

/// <summary>
/// The simulated network's source of randomness: a seeded generator passed in, so the simulator can hand it a
/// stream of its PRNG tree. Never <c>System.Random</c>: the same seed must give the same run everywhere.
/// </summary>
internal interface INetworkRandom
{
    /// <summary>The next 64 random bits.</summary>
    ulong NextUInt64();
}
