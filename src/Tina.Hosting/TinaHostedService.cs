using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tina.Hosting;

/// <summary>Starts the <see cref="TinaRuntime"/> with the host and stops it, joining the shard threads, on shutdown.</summary>
internal sealed partial class TinaHostedService : IHostedService
{
    private static readonly TimeSpan s_stopTimeoutDefault = TimeSpan.FromSeconds(30);
    private readonly TinaRuntime _runtime;
    private readonly ILogger<TinaHostedService> _logger;

    public TinaHostedService(TinaRuntime runtime, ILogger<TinaHostedService> logger)
    {
        _runtime = runtime;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _runtime.Start();
        LogStarted(_logger, _runtime.ShardCount);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // The graceful three-phase shutdown, bounded by its own 30 s (the host's shutdown token is not consulted yet:
        // a host timeout shorter than that does not cut the drain short).
        ShutdownReport report = _runtime.Shutdown(s_stopTimeoutDefault);
        LogStopped(_logger, report.IsolatesDrained, report.IsolatesForced, report.MessagesDropped, report.Elapsed.TotalMilliseconds, report.ThreadsJoined);
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Tina started {ShardCount} shards")]
    private static partial void LogStarted(ILogger logger, int shardCount);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Tina stopped: {Drained} isolates drained, {Forced} forced, {Dropped} messages dropped in {ElapsedMs} ms (threads joined: {Joined})")]
    private static partial void LogStopped(ILogger logger, long drained, long forced, long dropped, double elapsedMs, bool joined);
}
