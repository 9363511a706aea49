using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using Tina;
using Tina.Io;

namespace Tina.Io.Overload;

/// <summary>
/// The server side of an overload run, in its own process (its own fd limit, its own RSS): an echo server on
/// Tina.Io, one listener per shard on one port, one <see cref="EchoSession"/> per connection. It prints READY once
/// every shard listens, then answers commands on stdin, one line each: <c>stats</c> (one line of key=value pairs,
/// <see cref="ServerStats"/>) and <c>quit</c>.
/// </summary>
internal static class OverloadServer
{
    private static int s_listening;

    public static void ListenerReady() => Interlocked.Increment(ref s_listening);

    public static int Run(ServerSettings settings)
    {
        var spec = new TinaSpec
        {
            ShardCount = settings.Shards,
            PinThreads = false, // shares the machine with the load generator
            MinimumLogLevel = TinaLogLevel.Warning,
            IdlePollTicks = 200,
        };
        spec.AddIsolate<EchoListener>(slots: 1);
        spec.AddIsolate<EchoSession>(slots: settings.ConnectionsPerShard, mailboxCapacity: 4);
        var io = new IoOptions
        {
            Backend = settings.Backend,
            ConnectionCapacity = settings.ConnectionsPerShard + 16,
            BufferCount = settings.BuffersPerShard,
            BufferSize = 16 * 1024,
            SocketSendBufferBytes = settings.SocketSendBufferBytes,
        };
        if (settings.SendTimeoutSeconds >= 0)
        {
            io.SendTimeout = TimeSpan.FromSeconds(settings.SendTimeoutSeconds);
        }

        spec.UseIo(io);
        using TinaRuntime runtime = TinaRuntime.Create(spec);
        for (int shard = 0; shard < settings.Shards; shard++)
        {
            runtime.Spawn<EchoListener, ListenStart>(shard, new ListenStart { Port = settings.Port, Backlog = settings.Backlog });
        }

        runtime.Start();
        if (!runtime.WaitForIoBackends(TimeSpan.FromSeconds(10)) || !SpinWait.SpinUntil(() => Volatile.Read(ref s_listening) == settings.Shards, 10_000))
        {
            Console.WriteLine("FAILED to listen");
            return 1;
        }

        Console.WriteLine("READY");
        string? line;
        while ((line = Console.ReadLine()) is not null && line != "quit")
        {
            Console.WriteLine(line == "stats" ? Stats(runtime) : $"unknown command {line}");
        }

        runtime.Stop(TimeSpan.FromSeconds(10));
        return 0;
    }

    private static string Stats(TinaRuntime runtime)
    {
        var s = new StringBuilder();
        long live = 0, free = 0, count = 0, ringInHand = 0, ringCount = 0;
        var counters = new long[(int)IoCounter.Count];
        string backends = string.Empty;
        for (int shard = 0; shard < runtime.ShardCount; shard++)
        {
            IoStats io = runtime.GetIoStats(shard);
            live += io.LiveConnections;
            free += io.FreeBuffers;
            count += io.BufferCount;
            ringInHand += io.ReceiveBuffersInHand;
            ringCount += io.ReceiveBufferCount;
            backends += (shard == 0 ? string.Empty : "+") + io.Backend;
            for (int i = 0; i < counters.Length; i++)
            {
                counters[i] += io[(IoCounter)i];
            }
        }

        s.Append(CultureInfo.InvariantCulture, $"backend={backends} live={live} buffersInUse={count - free} bufferCount={count} ringInHand={ringInHand} ringCount={ringCount}");
        s.Append(CultureInfo.InvariantCulture, $" sessionsRefused={EchoListener.SessionsRefused} sessionsEnded={EchoSession.Ended} fds={OpenDescriptors()} rssKiB={RssKiB()}");
        for (int i = 0; i < counters.Length; i++)
        {
            s.Append(CultureInfo.InvariantCulture, $" {(IoCounter)i}={counters[i]}");
        }

        return s.ToString();
    }

    private static int OpenDescriptors() => Directory.GetFiles("/proc/self/fd").Length;

    private static long RssKiB()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }
}

/// <summary>What the parent asks of the server process (passed on its command line).</summary>
internal sealed record ServerSettings(
    IoBackendKind Backend, int Port, int Shards, int ConnectionsPerShard, int BuffersPerShard, int Backlog, int SendTimeoutSeconds, int SocketSendBufferBytes);
