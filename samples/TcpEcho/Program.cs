// TcpEcho: a TCP echo server on Tina.Io. Every shard listens on the same port (SO_REUSEPORT, so the kernel spreads
// connections over the shards) and runs one EchoSession isolate per connection.
//
//   dotnet run --project samples/TcpEcho -- --port 5555              serve until Ctrl-C
//   dotnet run --project samples/TcpEcho -- --self-test              start, connect clients to itself, check every echo, exit 0/1
//   options: --shards N  --clients N (self-test, total)  --messages N (self-test, per client)  --backend auto|epoll|iouring
using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using Tina;
using Tina.Io;
using TcpEcho;

int port = 5555;
int shards = Math.Min(Environment.ProcessorCount, 4);
bool selfTest = false;
bool portGiven = false;
int clients = 64;
int messages = 200;
IoBackendKind backend = IoBackendKind.Auto;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port":
            port = int.Parse(args[++i], CultureInfo.InvariantCulture);
            portGiven = true;
            break;
        case "--shards":
            shards = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--self-test":
            selfTest = true;
            break;
        case "--clients":
            clients = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--messages":
            messages = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--backend":
            backend = Enum.Parse<IoBackendKind>(args[++i], ignoreCase: true);
            break;
        default:
            Console.Error.WriteLine($"unknown option {args[i]}; see the comment at the top of Program.cs");
            return 2;
    }
}

if (selfTest && !portGiven)
{
    port = 10000 + (Environment.ProcessId % 20000); // away from the ephemeral range; pass --port to choose
}

var spec = new TinaSpec
{
    ShardCount = shards,
    PinThreads = false,          // a sample shares the machine; pin in production (the default)
    IdlePollTicks = 200,
    MinimumLogLevel = TinaLogLevel.Information, // shows which backend each shard runs
};
spec.AddIsolate<Listener>(slots: 1);
spec.AddIsolate<EchoSession>(slots: 4096, mailboxCapacity: 4);
spec.AddIsolate<EchoClient>(slots: Math.Max(1, (clients + shards - 1) / shards), mailboxCapacity: 4);
spec.UseIo(new IoOptions { Backend = backend, ConnectionCapacity = 8192, BufferCount = 1024, BufferSize = 16 * 1024 });

using TinaRuntime runtime = TinaRuntime.Create(spec);
int perShard = clients / shards;
SelfTest.Expect(selfTest ? clients : int.MaxValue);
for (int shard = 0; shard < shards; shard++)
{
    int shardClients = !selfTest ? 0 : perShard + (shard < clients % shards ? 1 : 0);
    runtime.Spawn<Listener, ListenerStart>(shard, new ListenerStart { Port = port, SelfTestClients = shardClients, SelfTestMessages = messages });
}

var clock = Stopwatch.StartNew();
runtime.Start();
if (!selfTest)
{
    Console.WriteLine($"TcpEcho: {shards} shards listening on port {port}; Ctrl-C to stop");
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        runtime.RequestStop();
    };
    runtime.WaitForStopRequest(Timeout.InfiniteTimeSpan);
    runtime.Stop(TimeSpan.FromSeconds(5));
    return 0;
}

bool finished = runtime.WaitForStopRequest(TimeSpan.FromSeconds(60));
var lines = new System.Collections.Generic.List<string>();
for (int shard = 0; shard < shards; shard++)
{
    IoStats io = runtime.GetIoStats(shard); // read before Stop: a stopped shard disposes its reactor
    lines.Add($"  shard {shard}: {io.Backend}, {io[IoCounter.ConnectionsOpened]} sockets opened, {io[IoCounter.Delivered]} completions, {io[IoCounter.PartialSends]} partial sends");
}

runtime.Stop(TimeSpan.FromSeconds(5));
bool ok = finished && SelfTest.Failures == 0 && SelfTest.ClientsDone == clients;
Console.WriteLine(
    $"TcpEcho self-test: {SelfTest.ClientsDone}/{clients} clients, {SelfTest.Messages} messages echoed and checked on {shards} shards "
    + $"in {clock.ElapsedMilliseconds} ms, {SelfTest.Failures} failures, {Listener.SessionsRefused} connections refused (no session slot): {(ok ? "OK" : "FAILED")}");
lines.ForEach(Console.WriteLine);
return ok ? 0 : 1;
