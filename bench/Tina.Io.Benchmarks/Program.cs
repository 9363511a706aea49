// Tina.Io TCP echo benchmark: Tina.Io (io_uring or epoll) against a plain async System.Net.Sockets server.
//
//   dotnet run -c Release --project bench/Tina.Io.Benchmarks                       the matrix (tina, sockets) x (1, 64) connections
//   dotnet run -c Release --project bench/Tina.Io.Benchmarks -- --server all --connections 1,64 --seconds 5
//   dotnet run -c Release --project bench/Tina.Io.Benchmarks -- --server tina --backend iouring --connections 64
//   options: --server LIST, comma-separated from tina (the --backend below), tina-iouring, tina-iouring-oneshot
//                     (io_uring with multishot receive off: ReceiveBufferCount 0), tina-epoll, sockets;
//                     both = tina,sockets; all = tina-iouring,tina-epoll,sockets
//            --receive-buffers N (Tina server's ReceiveBufferCount, default 256)
//            --backend auto|iouring|epoll (for "tina"; default epoll)  --connections 1,64  --seconds N  --warmup N
//            --size BYTES  --server-cpu N (-1 = unpinned)  --client-cpu N  --poll-ticks N (Tina server's IdlePollTicks)
//            --port N
//
// The Tina server's backend is the one its shard reports after boot (a row says "fell back" if it is not the one
// asked for). The load generator always runs on epoll, so it is the same for every server.
//
// The server runs in a child process pinned with taskset to --server-cpu (default 0); the load generator is a Tina
// runtime in this process pinned to --client-cpu (default 1): closed loop, one request in flight per connection,
// round trips in per-connection histograms. Reported: requests/s, p50/p99 round trip, server CPU µs and bytes
// allocated per request (the server process's GC.GetTotalAllocatedBytes over the measured window).
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using Tina;
using Tina.Io;
using Tina.Io.Benchmarks;

var options = new Dictionary<string, string>();
for (int i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

string Option(string name, string fallback) => options.TryGetValue(name, out string? value) ? value : fallback;
int IntOption(string name, int fallback) => int.Parse(Option(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

int serverCpu = IntOption("server-cpu", 0);
int pollTicks = IntOption("poll-ticks", 2000);
var backend = ParseBackend(Option("backend", "Epoll"));
if (options.TryGetValue("serve", out string? serve))
{
    return ServerProcess.Run(serve, IntOption("port", 0), serverCpu, pollTicks, backend, IntOption("receive-buffers", 256));
}

int clientCpu = IntOption("client-cpu", Environment.ProcessorCount > 1 ? 1 : -1);
int seconds = IntOption("seconds", 5);
int warmup = IntOption("warmup", 1);
int size = IntOption("size", 64);
string[] servers = Option("server", "both") switch
{
    "both" => new[] { "tina", "sockets" },
    "all" => new[] { "tina-iouring", "tina-epoll", "sockets" },
    string list => list.Split(','),
};
int[] connectionCounts = Option("connections", "1,64").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
int basePort = IntOption("port", 30000 + (Environment.ProcessId % 2000));

Console.WriteLine($"Tina.Io echo benchmark: {Environment.ProcessorCount} CPUs, {RuntimeInfo()}, server CPU {serverCpu}, client CPU {clientCpu}, "
    + $"{size} B requests, {warmup} s warm-up + {seconds} s, Tina server IdlePollTicks {pollTicks}, backend {backend}");
Console.WriteLine("server                 conns    req/s    p50 µs   p99 µs   server CPU µs/req   server B/req   backend");
int run = 0;
foreach (int connections in connectionCounts)
{
    foreach (string server in servers)
    {
        Result result = Measure(server, connections, basePort + run++);
        Console.WriteLine(
            $"{server,-21} {connections,5} {result.RequestsPerSecond,9:F0} {result.P50Micros,9:F1} {result.P99Micros,8:F1} {result.CpuMicrosPerRequest,19:F2} {result.BytesPerRequest,14:F2}   {result.Backend}"
            + (result.Failures > 0 ? $"   ({result.Failures} client failures)" : string.Empty));
    }
}

return 0;

Result Measure(string server, int connections, int port)
{
    string self = Environment.ProcessPath!;
    int receiveBuffers = IntOption("receive-buffers", 256);
    (string kind, IoBackendKind serverBackend) = server switch
    {
        "tina" => ("tina", backend),
        "tina-iouring" or "tina-io_uring" => ("tina", IoBackendKind.IoUring),
        "tina-iouring-oneshot" => ("tina", IoBackendKind.IoUring),
        "tina-epoll" => ("tina", IoBackendKind.Epoll),
        "sockets" => ("sockets", backend),
        _ => throw new ArgumentException($"unknown server '{server}' (tina, tina-iouring, tina-iouring-oneshot, tina-epoll, sockets, both, all)"),
    };
    if (server == "tina-iouring-oneshot")
    {
        receiveBuffers = 0;
    }

    string arguments = $"--serve {kind} --port {port} --server-cpu {serverCpu} --poll-ticks {pollTicks} --backend {serverBackend} --receive-buffers {receiveBuffers}";
    var start = serverCpu >= 0
        ? new ProcessStartInfo("taskset", $"-c {serverCpu} \"{self}\" {arguments}")
        : new ProcessStartInfo(self, arguments);
    start.RedirectStandardInput = true;
    start.RedirectStandardOutput = true;
    start.UseShellExecute = false;
    using Process child = Process.Start(start)!;
    string? ready = child.StandardOutput.ReadLine();
    if (ready != "READY")
    {
        throw new InvalidOperationException($"server did not start: {ready}");
    }

    string runningBackend = kind == "tina" ? Ask(child, "backend") : "-";
    using TinaRuntime client = LoadClient.Start(port, connections, size, clientCpu);
    SpinWait.SpinUntil(() => Volatile.Read(ref LoadClient.Connected) + Volatile.Read(ref LoadClient.Failed) >= connections, TimeSpan.FromSeconds(10));
    Thread.Sleep(TimeSpan.FromSeconds(warmup));

    long allocatedBefore = Mark(child);
    TimeSpan cpuBefore = child.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    LoadClient.Measuring = true;
    Thread.Sleep(TimeSpan.FromSeconds(seconds));
    LoadClient.Measuring = false;
    double elapsed = clock.Elapsed.TotalSeconds;
    child.Refresh();
    TimeSpan cpuAfter = child.TotalProcessorTime;
    long allocatedAfter = Mark(child);

    LoadClient.Stopping = true;
    Thread.Sleep(100);
    client.Stop(TimeSpan.FromSeconds(5));
    child.StandardInput.WriteLine("quit");
    if (!child.WaitForExit(5000))
    {
        child.Kill();
    }

    var merged = new long[LoadClient.BucketCount];
    foreach (long[] histogram in LoadClient.Histograms)
    {
        for (int i = 0; i < merged.Length; i++)
        {
            merged[i] += histogram[i];
        }
    }

    long requests = merged.Sum();
    return new Result(
        requests / elapsed,
        Percentile(merged, requests, 0.50) / 1000.0,
        Percentile(merged, requests, 0.99) / 1000.0,
        requests == 0 ? 0 : (cpuAfter - cpuBefore).TotalMicroseconds / requests,
        requests == 0 ? 0 : (double)(allocatedAfter - allocatedBefore) / requests,
        LoadClient.Failed,
        runningBackend);
}

static long Mark(Process child) => long.Parse(Ask(child, "mark"), CultureInfo.InvariantCulture);

static string Ask(Process child, string command)
{
    child.StandardInput.WriteLine(command);
    return child.StandardOutput.ReadLine()!;
}

static IoBackendKind ParseBackend(string name) => name.ToLowerInvariant() switch
{
    "iouring" or "io_uring" or "io-uring" or "uring" => IoBackendKind.IoUring,
    _ => Enum.Parse<IoBackendKind>(name, ignoreCase: true),
};

static long Percentile(long[] histogram, long total, double fraction)
{
    long target = (long)Math.Ceiling(total * fraction);
    long seen = 0;
    for (int i = 0; i < histogram.Length; i++)
    {
        seen += histogram[i];
        if (seen >= target && target > 0)
        {
            return LoadClient.ValueOf(i);
        }
    }

    return 0;
}

static string RuntimeInfo() => $".NET {Environment.Version}, kernel {Environment.OSVersion.Version}";

internal readonly record struct Result(double RequestsPerSecond, double P50Micros, double P99Micros, double CpuMicrosPerRequest, double BytesPerRequest, int Failures, string Backend);
