using Microsoft.Extensions.Hosting;
using TinaIngress;

// An HTTP/1.1 ingress on Tina.Http inside the generic host: every shard listens on the port (SO_REUSEPORT) and answers
// GET /plaintext from a handler isolate and GET /healthz inline.
//   dotnet run -- --Ingress:Port=8080 --Tina:ShardCount=2
using IHost host = IngressHost.Build(args);
await host.RunAsync().ConfigureAwait(false);
