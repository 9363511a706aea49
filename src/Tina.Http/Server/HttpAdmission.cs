using System;

namespace Tina.Http.Server;

/// <summary>
/// Load shedding for one shard: decides, in O(1) and before a handler request takes a call slot, whether it is
/// admitted or answered 503 with <c>Retry-After</c> at once. Signals, each with one limit (the <see cref="HttpPriority.High"/>
/// class's; <see cref="HttpPriority.Normal"/> and <see cref="HttpPriority.Low"/> are shed at
/// <see cref="HttpServerOptions.NormalPriorityShedPercent"/> and <see cref="HttpServerOptions.LowPriorityShedPercent"/>
/// of it): open connections (<see cref="HttpServerOptions.MaxConnectionsPerShard"/>; at the limit itself the listener
/// refuses the connection, so High is never shed by it), calls out to the target handler
/// (<see cref="HttpServerOptions.MaxHandlerQueue"/>), call slots in use
/// (<see cref="HttpServerOptions.HandlerCallSlotsPerShard"/>) and the handler's standing queueing delay
/// (<see cref="HttpServerOptions.QueueDelayTarget"/>, <see cref="HttpQueueDelay"/>). The runtime's own refusals of the
/// Call (the handler's mailbox full, the shard's message pool at its reserve) are the last, hard signals, answered the
/// same way by the connection.
/// </summary>
/// <remarks>
/// Single-threaded: owned by the shard's thread. <see cref="_calls"/>[h] is written by connections only: +1 when a
/// Call to handler h is made, -1 when its outcome (reply, failure or timeout) arrives or the connection ends while it
/// waits. A call that timed out may still sit in the handler's mailbox, so the count can undercount by the calls
/// timed out recently; it never drifts (every +1 has exactly one -1).
/// </remarks>
internal sealed class HttpAdmission
{
    private readonly int[] _calls;
    private readonly HttpQueueDelay[] _delays;
    private readonly int _maxConnections;
    private readonly int _maxQueue;
    private readonly int _maxSlots;
    private readonly TimeSpan _delayTarget;
    private readonly int _lowPercent;
    private readonly int _normalPercent;

    public HttpAdmission(HttpServerOptions options, int handlerCount)
    {
        _calls = new int[handlerCount];
        _delays = new HttpQueueDelay[handlerCount];
        for (int i = 0; i < handlerCount; i++)
        {
            _delays[i] = new HttpQueueDelay(options.QueueDelayInterval);
        }

        _maxConnections = options.MaxConnectionsPerShard;
        _maxQueue = options.MaxHandlerQueue;
        _maxSlots = options.HandlerCallSlotsPerShard;
        _delayTarget = options.QueueDelayTarget;
        _lowPercent = options.LowPriorityShedPercent;
        _normalPercent = options.NormalPriorityShedPercent;
    }

    /// <summary>Calls out to handler <paramref name="handler"/> on this shard.</summary>
    public int CallsTo(int handler) => _calls[handler];

    public void CallStarted(int handler) => _calls[handler]++;

    public void CallEnded(int handler) => _calls[handler]--;

    /// <summary>Handler <paramref name="handler"/> started a request that waited <paramref name="sojourn"/>.</summary>
    public void HandlerStarted(int handler, TimeSpan now, TimeSpan sojourn) => _delays[handler].Sample(now, sojourn);

    /// <summary>
    /// Why a request of class <paramref name="priority"/> to handler <paramref name="handler"/> is shed now, or
    /// <see cref="HttpServerCounter.Count"/> when it is admitted.
    /// </summary>
    public HttpServerCounter Check(HttpPriority priority, int handler, int connections, int slotsInUse, TimeSpan now)
    {
        int percent = priority switch
        {
            HttpPriority.Low => _lowPercent,
            HttpPriority.Normal => _normalPercent,
            _ => 100,
        };

        // "At or past percent% of the limit", in integers: used * 100 >= limit * percent. High (100%) is shed by the
        // connection table never (a full table refuses the connection at accept), by the others at the limit itself.
        if (percent < 100 && (long)connections * 100 >= (long)_maxConnections * percent)
        {
            return HttpServerCounter.ShedConnections;
        }

        if ((long)_calls[handler] * 100 >= (long)_maxQueue * percent)
        {
            return HttpServerCounter.ShedHandlerQueue;
        }

        if ((long)slotsInUse * 100 >= (long)_maxSlots * percent)
        {
            return HttpServerCounter.ShedCallSlots;
        }

        // The standing delay is the last whole interval's; it sheds only while calls wait on the handler now. With
        // none out, the next request starts at once whatever the last interval saw, and shedding it would leave the
        // handler idle while the interval's verdict lasts (measured at 1 ms per request and 10 x load: the handler
        // drained its queue and idled, goodput 0.79 x capacity).
        if (_delayTarget > TimeSpan.Zero && _calls[handler] > 0 && _delays[handler].Standing(now).Ticks * 100 > _delayTarget.Ticks * percent)
        {
            return HttpServerCounter.ShedQueueDelay;
        }

        return HttpServerCounter.Count;
    }
}
