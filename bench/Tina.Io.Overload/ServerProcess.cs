using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;

namespace Tina.Io.Overload;

/// <summary>The parent's view of the server child process: starts it, asks it for stats, stops it.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _child;

    public ServerProcess(ServerSettings settings)
    {
        Settings = settings;
        string self = Environment.ProcessPath!;
        string arguments = string.Create(
            CultureInfo.InvariantCulture,
            $"--serve 1 --backend {settings.Backend} --port {settings.Port} --shards {settings.Shards} --connections-per-shard {settings.ConnectionsPerShard} "
            + $"--buffers {settings.BuffersPerShard} --backlog {settings.Backlog} --send-timeout {settings.SendTimeoutSeconds} --socket-send-buffer {settings.SocketSendBufferBytes}");
        var start = new ProcessStartInfo(self, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _child = Process.Start(start)!;
        string? ready = _child.StandardOutput.ReadLine();
        if (ready != "READY")
        {
            throw new InvalidOperationException($"server did not start: {ready}");
        }
    }

    public ServerSettings Settings { get; }

    /// <summary>One snapshot of the server's I/O stats, summed over its shards.</summary>
    public Dictionary<string, string> Stats()
    {
        _child.StandardInput.WriteLine("stats");
        string line = _child.StandardOutput.ReadLine() ?? throw new InvalidOperationException("server exited");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            values[pair[..equals]] = pair[(equals + 1)..];
        }

        return values;
    }

    public static long Number(Dictionary<string, string> stats, string key) => long.Parse(stats[key], CultureInfo.InvariantCulture);

    public void Dispose()
    {
        try
        {
            _child.StandardInput.WriteLine("quit");
            if (!_child.WaitForExit(15_000))
            {
                _child.Kill();
            }
        }
        finally
        {
            _child.Dispose();
        }
    }
}
