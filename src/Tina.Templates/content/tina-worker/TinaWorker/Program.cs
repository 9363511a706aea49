using Microsoft.Extensions.Hosting;
using TinaWorker;

// A generic-host worker: Tina runs as a hosted service, each shard starts the supervision tree built in WorkerHost,
// and Ctrl-C / SIGTERM drain the shards before the process exits.
//   dotnet run -- --Tina:ShardCount=1 --Heartbeat:Interval=00:00:00.500
using IHost host = WorkerHost.Build(args);
await host.RunAsync().ConfigureAwait(false);
