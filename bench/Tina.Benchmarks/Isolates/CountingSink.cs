using System.Threading;

namespace Tina.Benchmarks;

/// <summary>
/// The receiving end of one-way benchmarks: reads each <see cref="Ping"/> and counts it, split by whether it came
/// from another shard. The counts are read by the throughput runner from another thread (plain 64-bit stores by
/// the shard thread, <see cref="Volatile.Read{T}(ref readonly T)"/> by the reader; x64 does not tear them).
/// </summary>
public struct CountingSink : IIsolate
{
    /// <summary>Pings handled.</summary>
    internal long Received;

    /// <summary>Pings handled that came from another shard.</summary>
    internal long ReceivedRemote;

    /// <summary>Sum of sequence numbers, so the payload read is not dead code.</summary>
    internal long Checksum;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Is(out Ping ping))
        {
            Checksum += ping.Sequence;
            Received++;
            if (message.Source.Shard != ctx.ShardId)
            {
                ReceivedRemote++;
            }
        }

        return Effect.Receive;
    }
}
