using System;
using System.Threading;
using Microsoft.Extensions.Logging;

namespace Tina.Hosting;

/// <summary>
/// The log sink Tina.Hosting installs: a shard hands each record to its own bounded queue and returns; a background
/// thread (<c>tina-log</c>) takes them off and writes them to ILogger. A shard never calls ILogger, so a slow
/// provider (a console, a file, a network exporter) cannot stall a shard. A full queue drops the record and counts
/// it per shard (<see cref="Dropped"/>); records of one shard reach the logger in the order the shard wrote them.
/// </summary>
public sealed class TinaLogForwarder : ITinaLogSink, IDisposable
{
    private readonly ILogger _logger;
    private readonly LogRecordQueue[] _queues;
    private readonly long[] _dropped;
    private readonly long[] _forwarded;
    private readonly TimeSpan _pollInterval;
    private readonly AutoResetEvent _wake = new(false);
    private readonly Thread _thread;

    // 1 while a wake of the drain thread is pending; producers CAS it 0 -> 1 so a burst signals the event once.
    private int _wakePending;

    // Set once by Dispose; read by the drain thread.
    private volatile bool _stopping;
    private int _started;

    /// <summary>Creates a forwarder for <paramref name="shardCount"/> shards. Call <see cref="Start"/> to begin.</summary>
    /// <param name="logger">Where records go.</param>
    /// <param name="shardCount">Shards of the runtime (one queue each).</param>
    /// <param name="capacity">Records queued per shard (power of two, 16..1,048,576).</param>
    /// <param name="pollInterval">How long the drain thread sleeps when no queue asked for it (1 ms..10 s).</param>
    public TinaLogForwarder(ILogger logger, int shardCount, int capacity, TimeSpan pollInterval)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        if (capacity < 16 || capacity > (1 << 20) || (capacity & (capacity - 1)) != 0)
        {
            throw new TinaConfigurationException(
                $"{TinaOptions.SectionName}:{nameof(TinaOptions.LogForwardCapacity)}", capacity.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "must be a power of two, 16..1048576");
        }

        if (pollInterval < TimeSpan.FromMilliseconds(1) || pollInterval > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentOutOfRangeException(nameof(pollInterval), pollInterval, "must be 1 ms..10 s");
        }

        _logger = logger;
        _queues = new LogRecordQueue[shardCount];
        for (int i = 0; i < shardCount; i++)
        {
            _queues[i] = new LogRecordQueue(capacity);
        }

        _dropped = new long[shardCount];
        _forwarded = new long[shardCount];
        _pollInterval = pollInterval;
        _thread = new Thread(Run) { IsBackground = true, Name = "tina-log" };
    }

    /// <summary>Records dropped because <paramref name="shard"/>'s queue was full.</summary>
    public long Dropped(int shard) => Volatile.Read(ref _dropped[shard]);

    /// <summary>Records handed to the logger for <paramref name="shard"/>.</summary>
    public long Forwarded(int shard) => Volatile.Read(ref _forwarded[shard]);

    /// <summary>Starts the drain thread. Idempotent.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _thread.Start();
        }
    }

    /// <inheritdoc />
    public void Write(in LogRecord record)
    {
        int shard = (uint)record.Shard < (uint)_queues.Length ? record.Shard : 0;
        LogRecordQueue queue = _queues[shard];
        if (!queue.TryEnqueue(in record))
        {
            Interlocked.Increment(ref _dropped[shard]);
        }

        // Signal only when a queue is half full or the record is severe: the drain thread polls otherwise, so a shard
        // pays a futex wake only when waiting for the next poll could overflow its queue or hide an error.
        if ((queue.Count >= queue.Capacity / 2 || record.Level >= TinaLogLevel.Error)
            && Interlocked.CompareExchange(ref _wakePending, 1, 0) == 0)
        {
            _wake.Set();
        }
    }

    /// <summary>Stops the drain thread after it has written every queued record. Idempotent.</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        _wake.Set();
        if (Volatile.Read(ref _started) != 0)
        {
            _thread.Join();
        }

        // The drain thread has exited (or never ran): this thread is now the only consumer.
        DrainAll();
        _wake.Dispose();
    }

    private void Run()
    {
        while (!_stopping)
        {
            Volatile.Write(ref _wakePending, 0);
            DrainAll();
            _wake.WaitOne(_pollInterval);
        }
    }

    private void DrainAll()
    {
        for (int shard = 0; shard < _queues.Length; shard++)
        {
            LogRecordQueue queue = _queues[shard];
            long written = 0;
            while (queue.TryDequeue(out LogRecord record))
            {
                TinaLog.Record(_logger, in record);
                written++;
            }

            if (written > 0)
            {
                Volatile.Write(ref _forwarded[shard], _forwarded[shard] + written);
            }
        }
    }
}
