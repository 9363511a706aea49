using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;
using Tina;
using TinaWorker;

namespace TinaWorker.Tests;

/// <summary>The real host in this process: the composition is valid, the tree starts, and the host stops cleanly.</summary>
[NonParallelizable]
public sealed class WorkerHostTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task Host_StartsTheSupervisionTreeOnEveryShard_AndStops(CancellationToken cancellationToken)
    {
        using IHost host = WorkerHost.Build(["--Tina:ShardCount=1", "--Tina:PinThreads=false"]);
        await host.StartAsync(cancellationToken);
        try
        {
            // Host start returns once every shard has run its first tick, which starts its tree.
            TinaRuntime runtime = host.Services.GetRequiredService<TinaRuntime>();
            Assert.That(runtime.ShardCount, Is.EqualTo(1));
            Assert.That(runtime.Total(ShardCounter.IsolatesSpawned), Is.GreaterThanOrEqualTo(1));
        }
        finally
        {
            await host.StopAsync(cancellationToken);
        }
    }
}
