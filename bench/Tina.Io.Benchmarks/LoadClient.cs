using System;
using System.Diagnostics;
using System.Threading;
using Tina;
using Tina.Io;

namespace Tina.Io.Benchmarks;

/// <summary>
/// The load generator: a Tina runtime (one shard, pinned to its own CPU) with one closed-loop client isolate per
/// connection. Each sends a fixed-size request, waits for the whole echo, records the round trip in its own
/// log-linear histogram (no allocation, no sharing), and sends the next.
/// </summary>
internal static class LoadClient
{
    public const int SubBuckets = 16;
    public const int BucketCount = 64 * SubBuckets;

    public static volatile bool Measuring;
    public static volatile bool Stopping;
    public static long[][] Histograms = Array.Empty<long[]>();
    public static int Connected;
    public static int Failed;

    public static TinaRuntime Start(int port, int connections, int size, int cpu)
    {
        Histograms = new long[connections][];
        for (int i = 0; i < connections; i++)
        {
            Histograms[i] = new long[BucketCount];
        }

        Connected = 0;
        Failed = 0;
        Measuring = false;
        Stopping = false;
        var spec = new TinaSpec
        {
            ShardCount = 1,
            CoreMap = new[] { cpu },
            PinThreads = cpu >= 0,
            MinimumLogLevel = TinaLogLevel.Warning,
            WatchdogInterval = TimeSpan.Zero,
        };
        spec.AddIsolate<Client>(slots: connections, mailboxCapacity: 4);
        spec.UseIo(new IoOptions { Backend = IoBackendKind.Epoll, ConnectionCapacity = connections + 16, BufferCount = (connections * 2) + 16, BufferSize = Math.Max(4096, size) });
        TinaRuntime runtime = TinaRuntime.Create(spec);
        for (int i = 0; i < connections; i++)
        {
            runtime.Spawn<Client, ClientStart>(0, new ClientStart { Port = port, Size = size, Index = i });
        }

        runtime.Start();
        return runtime;
    }

    public static int BucketOf(long nanoseconds)
    {
        if (nanoseconds < SubBuckets)
        {
            return (int)Math.Max(0, nanoseconds);
        }

        int msb = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)nanoseconds);
        int sub = (int)((nanoseconds >> (msb - 4)) & (SubBuckets - 1));
        return Math.Min(BucketCount - 1, ((msb - 3) * SubBuckets) + sub);
    }

    /// <summary>The upper bound of a bucket, in nanoseconds.</summary>
    public static long ValueOf(int bucket)
    {
        if (bucket < SubBuckets)
        {
            return bucket;
        }

        int msb = (bucket / SubBuckets) + 3;
        long sub = bucket % SubBuckets;
        return ((SubBuckets + sub + 1) << (msb - 4)) - 1;
    }

    internal struct ClientStart
    {
        public int Port;
        public int Size;
        public int Index;
    }

    private sealed class Client : IIsolate
    {
        private static readonly double s_nanosecondsPerTick = 1_000_000_000.0 / Stopwatch.Frequency;
        private byte[] _payload = Array.Empty<byte>();
        private long[] _histogram = Array.Empty<long>();
        private SocketHandle _socket;
        private int _received;
        private long _sentAt;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Start && message.Is(out ClientStart start))
            {
                _payload = new byte[start.Size];
                _payload.AsSpan().Fill((byte)start.Index);
                _histogram = Histograms[start.Index];
                return ctx.Connect(IoAddress.Loopback, start.Port, TimeSpan.FromSeconds(10));
            }

            if (!message.Is(out IoCompletion done))
            {
                return Effect.Receive;
            }

            if (!done.IsSuccess)
            {
                Interlocked.Increment(ref Failed);
                return _socket.IsNone || done.Operation == IoOperation.Close ? Effect.Done : ctx.Close(_socket);
            }

            switch (done.Operation)
            {
                case IoOperation.Connect:
                    _socket = done.Socket;
                    Interlocked.Increment(ref Connected);
                    return SendRequest(ref ctx);
                case IoOperation.Send:
                    return ctx.Receive(_socket, _payload.Length);
                case IoOperation.Receive:
                    _received += done.Result.Bytes;
                    if (_received < _payload.Length)
                    {
                        return ctx.Receive(_socket, _payload.Length - _received);
                    }

                    if (Measuring)
                    {
                        long nanoseconds = (long)((Stopwatch.GetTimestamp() - _sentAt) * s_nanosecondsPerTick);
                        _histogram[BucketOf(nanoseconds)]++;
                    }

                    return Stopping ? ctx.Close(_socket) : SendRequest(ref ctx);
                default:
                    return Effect.Done;
            }
        }

        private Effect SendRequest(ref Context ctx)
        {
            _received = 0;
            _sentAt = Stopwatch.GetTimestamp();
            return ctx.Send(_socket, _payload);
        }
    }
}
