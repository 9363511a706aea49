// Tina.Io overload runs: a load tool, not a test. The server is a Tina.Io echo server in a child process (its own fd
// limit and RSS); the clients are plain System.Net.Sockets in this process. Each scenario prints one line.
//
//   dotnet run -c Release --project bench/Tina.Io.Overload                      every scenario on epoll and io_uring
//   dotnet run -c Release --project bench/Tina.Io.Overload -- --scenario idle --backend epoll --idle 15000
//   options: --scenario all|burst|idle|stuck  --backend epoll,iouring  --shards N (server, default 2)
//            --burst N (default 10000)  --flooders N (64)  --idle N (15000)  --fresh N (100)  --stuck N (1000)
//            --push BYTES (1048576)  --buffers N (server pool per shard, 1024)  --send-timeout S (-1: the default, 30 s)
//            --port N (first port; each run takes the next)
//
//   burst: a 10,000-connection burst into a server flooded by 64 busy connections; counts accepted connections
//          dropped before their echo (must be 0) apart from the server's own deliberate refusals.
//   idle:  15,000 idle connections: buffers held (pool and provided ring, must be 0) and fresh clients served.
//   stuck: 1,000 non-reading peers pushing 1 MiB each: fresh clients served, buffers held per stuck peer, and with the
//          default send timeout every stuck peer closed and every buffer back.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading.Tasks;
using Tina.Io;
using Tina.Io.Overload;

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

string Option(string name, string fallback) => options.TryGetValue(name, out string? value) ? value : fallback;
int IntOption(string name, int fallback) => int.Parse(Option(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

if (options.ContainsKey("serve"))
{
    return OverloadServer.Run(new ServerSettings(
        Enum.Parse<IoBackendKind>(Option("backend", "Epoll"), ignoreCase: true), IntOption("port", 0), IntOption("shards", 2),
        IntOption("connections-per-shard", 12_000), IntOption("buffers", 1024), IntOption("backlog", 4096),
        IntOption("send-timeout", -1), IntOption("socket-send-buffer", 0)));
}

string scenario = Option("scenario", "all");
int shards = IntOption("shards", 2);
int port = IntOption("port", 20000 + (Environment.ProcessId % 1000 * 8)); // below the ephemeral range, where the clients' own ports are
Console.WriteLine($"Tina.Io overload: {Environment.ProcessorCount} CPUs, .NET {Environment.Version}, kernel {Environment.OSVersion.Version}, "
    + $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, server {shards} shards, fd limit {FdLimit()}");
foreach (string backendName in Option("backend", "epoll,iouring").Split(','))
{
    IoBackendKind backend = backendName.ToLowerInvariant() switch
    {
        "iouring" or "io_uring" => IoBackendKind.IoUring,
        string other => Enum.Parse<IoBackendKind>(other, ignoreCase: true),
    };
    foreach (string name in scenario == "all" ? new[] { "burst", "idle", "stuck" } : scenario.Split(','))
    {
        var settings = new ServerSettings(
            backend, port++, shards, IntOption("connections-per-shard", 12_000), IntOption("buffers", 1024), 4096,
            IntOption("send-timeout", -1), name == "stuck" ? 16 * 1024 : 0); // a small socket send buffer makes stuck sends really block
        using var server = new ServerProcess(settings);
        string line = name switch
        {
            "burst" => await BurstScenario.RunAsync(server, IntOption("flooders", 64), IntOption("burst", 10_000)),
            "idle" => await IdleScenario.RunAsync(server, IntOption("idle", 15_000), IntOption("fresh", 100)),
            "stuck" => await StuckScenario.RunAsync(server, IntOption("stuck", 1000), IntOption("push", 1 << 20)),
            _ => throw new ArgumentException($"unknown scenario '{name}' (all, burst, idle, stuck)"),
        };
        Console.WriteLine(line);
    }
}

return 0;

static string FdLimit()
{
    foreach (string line in System.IO.File.ReadLines("/proc/self/limits"))
    {
        if (line.StartsWith("Max open files", StringComparison.Ordinal))
        {
            return string.Join('/', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3..5]);
        }
    }

    return "unknown";
}
