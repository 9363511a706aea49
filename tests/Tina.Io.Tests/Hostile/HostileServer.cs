using System;
using System.Net;
using NUnit.Framework;

namespace Tina.Io.Tests.Hostile;

/// <summary>
/// One echo server per hostile case: a threaded one-shard runtime on a real backend, a small I/O pool (so a leaked
/// buffer shows), a loopback listener and up to <see cref="SessionSlots"/> echo sessions.
/// </summary>
internal sealed class HostileServer : IDisposable
{
    public const int PoolBuffers = 64;
    public const int SessionSlots = 1024;

    private bool _disposed;

    public HostileServer(IoBackendKind backend, Action<IoOptions>? configure = null, bool naiveSends = false)
    {
        Options = new IoOptions { Backend = backend, BufferCount = PoolBuffers, ConnectionCapacity = 2048 };
        configure?.Invoke(Options);
        var spec = new TinaSpec { ShardCount = 1, PinThreads = false, IdlePollTicks = 0, MinimumLogLevel = TinaLogLevel.Warning };
        spec.AddIsolate<HostileListener>(slots: 2);
        spec.AddIsolate<HostileEcho>(slots: SessionSlots);
        spec.UseIo(Options);
        Runtime = TinaRuntime.Create(spec);
        Runtime.Spawn<HostileListener, HostileListen>(0, new HostileListen { NaiveSends = naiveSends });
        Runtime.Start();
        Assert.That(ProcessResources.WaitUntil(() => HostileProbe.Read(ref HostileProbe.ListenPort) > 0, TimeSpan.FromSeconds(10)), Is.True, "the server listens");
        Endpoint = new IPEndPoint(IPAddress.Loopback, HostileProbe.ListenPort);
        Assert.That(Stats.Backend, Is.EqualTo(backend == IoBackendKind.IoUring ? "io_uring" : "epoll"), "the backend asked for runs");
    }

    public IoOptions Options { get; }

    public TinaRuntime Runtime { get; }

    public IPEndPoint Endpoint { get; }

    /// <summary>A snapshot of the shard's I/O counters (read from the test thread while the shard runs: each value is a plain read).</summary>
    public IoStats Stats => Runtime.GetIoStats(0);

    public long this[IoCounter counter] => Stats[counter];

    /// <summary>Every pool buffer on the free stack and no provided (ring) buffer in hand.</summary>
    public bool AllBuffersBack
    {
        get
        {
            IoStats stats = Stats;
            return stats.FreeBuffers == stats.BufferCount && stats.ReceiveBuffersInHand == 0;
        }
    }

    public string Describe()
    {
        IoStats s = Stats;
        return $"free {s.FreeBuffers}/{s.BufferCount}, ring in hand {s.ReceiveBuffersInHand}/{s.ReceiveBufferCount}, live {s.LiveConnections}, "
            + $"accepted {HostileProbe.Accepted}, sessions {HostileProbe.Sessions}, closed {HostileProbe.SessionsClosed}, eof {HostileProbe.EndOfStream}, "
            + $"resets {HostileProbe.Resets}, send timeouts {HostileProbe.SendTimeouts}, refused {HostileProbe.SpawnRefused}, send retries {HostileProbe.SendRetries}, accept errors {HostileProbe.AcceptErrors}, "
            + $"backoffs {s[IoCounter.AcceptBackoffs]}, buffer waits {s[IoCounter.BufferWaits]}, exhausted {s[IoCounter.BuffersExhausted]}, "
            + $"send-timeout closes {s[IoCounter.SendTimeoutCloses]}, table full {s[IoCounter.ConnectionTableFull]}";
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Runtime.Dispose();
        }
    }
}
