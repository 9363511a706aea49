namespace Tina.Benchmarks;

// Payloads used by the benchmarks. All are small (8–16 bytes), so the header and payload of an envelope fit in its
// first 64 bytes: the best case for cache lines moved per message.

/// <summary>A one-way message carrying a sequence number (8 bytes).</summary>
public readonly record struct Ping(long Sequence);

/// <summary>A reply carrying the sequence number of the call it answers (8 bytes).</summary>
public readonly record struct Pong(long Sequence);

/// <summary>A hop of a relay chain: the receiver sends the next hop back to <paramref name="ReplyTo"/> (16 bytes).</summary>
public readonly record struct Hop(Handle ReplyTo, long Remaining);

/// <summary>Start message of a producer: where to send (8 bytes).</summary>
public readonly record struct ProducerStart(Handle Target);

/// <summary>Kick of a caller: whom to call and how many round trips to make (16 bytes).</summary>
public readonly record struct CallerStart(Handle Target, long Count);

/// <summary>Kick of a <see cref="BurstSender"/>: send <paramref name="Count"/> pings to <paramref name="Target"/> (16 bytes).</summary>
public readonly record struct Burst(Handle Target, long Count);
