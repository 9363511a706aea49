using System.Threading;
using Microsoft.Extensions.Options;
using Tina;
using Tina.Hosting;

namespace HostedWorker;

/// <summary>The start message the supervision tree gives each poller (and gives it again on a restart).</summary>
public readonly record struct Begin;

/// <summary>
/// A supervised isolate doing periodic work through the bridge out: every interval it hands a fetch to the Task-based
/// <see cref="Quotes"/> client off the shard, and handles the answer when it comes back as a message. Built by the
/// container (its constructor takes singletons). When every poller has made its rounds the sample asks the host to stop.
/// </summary>
public sealed class Poller : IIsolate
{
    private static int s_pollersRunning;

    private readonly TinaTaskBridge _bridge;
    private readonly Quotes _quotes;
    private readonly PollerOptions _options;
    private int _round;
    private long _sum;

    public Poller(TinaTaskBridge bridge, Quotes quotes, IOptions<PollerOptions> options)
    {
        _bridge = bridge;
        _quotes = quotes;
        _options = options.Value;
    }

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Is<Begin>())
        {
            Interlocked.Increment(ref s_pollersRunning);
            ctx.RegisterTimer(_options.Interval, tag: 0);
            return Effect.Receive;
        }

        if (message.Kind == MessageKind.Timer)
        {
            int shard = ctx.Self.Shard;
            int round = _round;
            Quotes quotes = _quotes;
            // The bridge takes a Func, so this closure is one allocation per poll round (every Interval), not per
            // message: accepted here (TINA007 is a suggestion). The lambda's body runs on the thread pool.
#pragma warning disable TINA007
            BridgeJob job = _bridge.Start(ctx.Self, ct => quotes.FetchAsync(shard, round, ct));
#pragma warning restore TINA007
            if (job.IsNone)
            {
                ctx.Log(TinaLogLevel.Warning, "bridge full; skipping this round", round);
                ctx.RegisterTimer(_options.Interval, tag: 0);
            }

            return Effect.Receive;
        }

        if (message.Is(out BridgeCompleted done) && _bridge.TryTake(done.Job, out BridgeOutcome<long> outcome))
        {
            _round++;
            _sum += outcome.Status == BridgeStatus.Succeeded ? outcome.Value : 0;
            ctx.Log(TinaLogLevel.Information, "fetched (round, sum)", _round, _sum);
            if (_round < _options.Rounds)
            {
                ctx.RegisterTimer(_options.Interval, tag: 0);
            }
            else if (Interlocked.Decrement(ref s_pollersRunning) == 0)
            {
                ctx.RequestStop();
            }
        }

        return Effect.Receive;
    }
}
