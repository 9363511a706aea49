using System;

namespace Tina.Http.Server;

/// <summary>
/// A CoDel-style standing-queue detector for one handler isolate of one shard: requests report how long they waited
/// between the connection's Call and the handler starting on them (its first <see cref="HttpHandler.Read"/> or
/// <see cref="HttpHandler.Respond"/>); the detector keeps the minimum over each interval. A minimum above a threshold
/// means every request of a whole interval waited longer than it: a queue that does not drain (a burst drains, and
/// its first request waits little). O(1) per sample and per check, no allocation.
/// </summary>
/// <remarks>
/// Single-threaded: the shard's connections and handlers (one invocation at a time) are its only users. Times are the
/// shard clock (<c>ctx.Now</c>, the tick's start), so a wait shorter than a tick reads as 0: the detector sees queues
/// that carry over ticks, which is what a backlog beyond a tick's dispatch looks like.
/// </remarks>
internal sealed class HttpQueueDelay
{
    private readonly TimeSpan _interval;
    private TimeSpan _intervalEnd;
    private TimeSpan _minimum = TimeSpan.MaxValue; // of the interval in progress; MaxValue: no sample yet
    private TimeSpan _standing;                    // the minimum of the last complete interval (0: none or no sample)

    public HttpQueueDelay(TimeSpan interval) => _interval = interval;

    /// <summary>A request started after waiting <paramref name="sojourn"/>.</summary>
    public void Sample(TimeSpan now, TimeSpan sojourn)
    {
        Roll(now);
        if (sojourn < _minimum)
        {
            _minimum = sojourn < TimeSpan.Zero ? TimeSpan.Zero : sojourn;
        }
    }

    /// <summary>The minimum wait over the last complete interval; 0 when that interval had no sample (nothing waited).</summary>
    public TimeSpan Standing(TimeSpan now)
    {
        Roll(now);
        return _standing;
    }

    private void Roll(TimeSpan now)
    {
        if (now < _intervalEnd)
        {
            return;
        }

        // The interval that just ended is the last complete one only if now is inside the next; past that, a whole
        // interval went by without a sample, so the queue is not standing (and shedding everything cannot latch).
        bool contiguous = now < _intervalEnd + _interval;
        _standing = contiguous && _minimum != TimeSpan.MaxValue ? _minimum : TimeSpan.Zero;
        _minimum = TimeSpan.MaxValue;
        _intervalEnd = now + _interval;
    }
}
