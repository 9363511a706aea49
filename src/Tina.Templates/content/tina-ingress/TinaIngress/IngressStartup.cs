using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tina;
using Tina.Io;

namespace TinaIngress;

/// <summary>
/// Starts after Tina's hosted service: waits until every shard has its I/O reactor and its listener, then logs the
/// port and each shard's I/O backend (io_uring, or epoll after a fallback). Host start fails if they do not come up.
/// </summary>
public sealed partial class IngressStartup(TinaRuntime runtime, IngressServer ingress, ILogger<IngressStartup> logger) : IHostedService
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
            throw new InvalidOperationException("The HTTP listeners did not come up within 10 s (see the shard log: port in use?).");
        }

        for (int shard = 0; shard < runtime.ShardCount; shard++)
        {
            Listening(logger, shard, runtime.GetIoStats(shard).Backend, ingress.Server.ListeningPort(shard));
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Shard {Shard}: I/O backend {Backend}, listening on port {Port}")]
    private static partial void Listening(ILogger logger, int shard, string backend, int port);
}
