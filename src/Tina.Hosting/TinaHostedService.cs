using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tina.Hosting;

/// <summary>
/// Starts the runtime with the host and drains it on shutdown. Start returns once every shard has run its first tick
/// (its supervision tree started), or fails the host start if the host's token fires first. Stop runs the three-phase
/// shutdown within the host's <see cref="HostOptions.ShutdownTimeout"/>; if the host's token fires before the drain
/// ends (the timeout, or a second Ctrl-C), the shard threads are stopped at once and that is logged. The shutdown
/// report is logged either way.
/// </summary>
internal sealed class TinaHostedService : IHostedService
{
    // Share of the host's shutdown timeout given to the drain; the rest is for joining threads and other services.
    private const double DrainShareOfShutdownTimeout = 0.9;
    private static readonly TimeSpan s_startPoll = TimeSpan.FromMilliseconds(1);

    private readonly TinaRuntimeHolder _holder;
    private readonly ILogger<TinaHostedService> _logger;
    private readonly TimeSpan _shutdownTimeout;

    public TinaHostedService(TinaRuntimeHolder holder, ILogger<TinaHostedService> logger, IOptions<HostOptions> hostOptions)
    {
        _holder = holder;
        _logger = logger;
        _shutdownTimeout = hostOptions.Value.ShutdownTimeout;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        TinaRuntime runtime = _holder.Runtime;
        _holder.Forwarder?.Start();
        _holder.Boot();
        runtime.Start();

        // The first tick starts each shard's supervision tree: wait for it so the host reports started only when
        // Tina can serve. Bounded by the host's start token (HostOptions.StartupTimeout).
        for (int shard = 0; shard < runtime.ShardCount; shard++)
        {
            while (runtime.GetStats(shard)[ShardCounter.Ticks] == 0)
            {
                await Task.Delay(s_startPoll, cancellationToken).ConfigureAwait(false);
            }
        }

        // A supervision tree that cannot start (its children keep failing until the shard is quarantined) is an init
        // failure: the host must not report started with a shard that serves nothing.
        for (int shard = 0; shard < runtime.ShardCount; shard++)
        {
            if (runtime.GetHealth(shard) == ShardHealth.Quarantined)
            {
                throw new InvalidOperationException(
                    $"Tina shard {shard} was quarantined while starting: its supervision tree could not start " +
                    $"({runtime.GetStats(shard)[ShardCounter.SupervisorEscalations]} escalations, {runtime.GetStats(shard)[ShardCounter.ShardRebuilds]} rebuilds; see the shard log).");
            }
        }

        TinaLog.Started(_logger, runtime.ShardCount);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        TinaRuntime runtime = _holder.Runtime;
        TimeSpan budget = _shutdownTimeout == Timeout.InfiniteTimeSpan
            ? TimeSpan.FromMinutes(5)
            : TimeSpan.FromTicks((long)(_shutdownTimeout.Ticks * DrainShareOfShutdownTimeout));
        long started = TimeProvider.System.GetTimestamp();

        // Shutdown blocks while the shards drain: run it off the host's thread so the host's token can cut it short.
        Task<ShutdownReport> drain = Task.Factory.StartNew(
            () => runtime.Shutdown(budget), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            ShutdownReport report = await drain.WaitAsync(cancellationToken).ConfigureAwait(false);
            TinaLog.Stopped(_logger, report.IsolatesDrained, report.IsolatesForced, report.MessagesDropped, report.Elapsed.TotalMilliseconds, report.ThreadsJoined);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            TinaLog.ShutdownCutShort(_logger, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
            runtime.Stop(TimeSpan.FromSeconds(1));
        }
        finally
        {
            ReportLogDrops();
        }
    }

    private void ReportLogDrops()
    {
        TinaLogForwarder? forwarder = _holder.Forwarder;
        if (forwarder is null)
        {
            return;
        }

        for (int shard = 0; shard < _holder.Runtime.ShardCount; shard++)
        {
            long dropped = forwarder.Dropped(shard);
            if (dropped > 0)
            {
                TinaLog.LogRecordsDropped(_logger, shard, dropped);
            }
        }
    }
}
