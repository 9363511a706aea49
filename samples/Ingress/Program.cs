using Ingress;
using Microsoft.Extensions.Hosting;

// The flagship sample: an HTTP/1.1 ingress on Tina.Http inside the generic host. /plaintext and /json are answered by
// handler isolates (Call/Reply on each shard), /healthz from the published health state, /metrics from the Tina meter.
//   dotnet run --project samples/Ingress -- --urls http://127.0.0.1:8080 --Tina:ShardCount=2
using IHost host = IngressHost.Build(args);
await host.RunAsync().ConfigureAwait(false);
