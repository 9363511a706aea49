namespace Tina.Benchmarks;

/// <summary>
/// The receiving end of one-way benchmarks: reads each <see cref="Ping"/> and counts it, split by whether it came
/// from another shard. Registered with a factory that hands in a <see cref="SinkTally"/>, it also publishes the
/// counts there after every ping, for a reader on another thread; without one (<c>new CountingSink()</c>) it only
/// counts.
/// </summary>
public struct CountingSink : IIsolate
{
    private readonly SinkTally? _tally;
    private long _received;
    private long _receivedRemote;

    /// <summary>Sum of sequence numbers, so the payload read is not dead code.</summary>
    private long _checksum;

    public CountingSink(SinkTally tally) => _tally = tally;

    /// <summary>Pings handled (read on the shard's thread, or between rounds of a driven runtime).</summary>
    public readonly long Received => _received;

    /// <summary>The checksum of the pings' sequence numbers.</summary>
    public readonly long Checksum => _checksum;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Is(out Ping ping))
        {
            _checksum += ping.Sequence;
            _received++;
            if (message.Source.Shard != ctx.ShardId)
            {
                _receivedRemote++;
            }

            _tally?.Publish(_received, _receivedRemote);
        }

        return Effect.Receive;
    }
}
