using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tina;
using Tina.Io;

namespace Ingress;

/// <summary>
/// Starts after Tina's hosted service (registered after <c>AddTina</c>): waits until every shard has its I/O reactor
/// and its listener, then logs the backend each shard really runs (io_uring, or epoll after a fallback) and the port,
/// so an operator sees the fallback at boot rather than in a benchmark.
/// </summary>
public sealed partial class IngressStartup(TinaRuntime runtime, IngressServer ingress, IOptions<IngressOptions> options, ILogger<IngressStartup> logger) : IHostedService
{
    private static readonly TimeSpan s_bootWait = TimeSpan.FromSeconds(10);

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!runtime.WaitForIoBackends(s_bootWait))
        {
            throw new InvalidOperationException("A shard did not create its I/O reactor within 10 s (see the shard log).");
        }

        if (!ingress.Resolve(runtime.ShardCount, s_bootWait))
        {
            throw new InvalidOperationException($"The HTTP listeners did not come up on {options.Value.Address}:{options.Value.Port} within 10 s (see the shard log: port in use?).");
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            for (int shard = 0; shard < runtime.ShardCount; shard++)
            {
                string backend = runtime.GetIoStats(shard).Backend;
                int port = ingress.Server.ListeningPort(shard);
                ShardListening(logger, shard, backend, port);
            }

            int first = ingress.Server.ListeningPort(0);
            Listening(logger, options.Value.Address, first, runtime.ShardCount, Environment.ProcessId);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Shard {Shard}: I/O backend {Backend}, listening on port {Port}")]
    private static partial void ShardListening(ILogger logger, int shard, string backend, int port);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Ingress listening on http://{Address}:{Port} ({Shards} shards, pid {Pid})")]
    private static partial void Listening(ILogger logger, string address, int port, int shards, int pid);
}
