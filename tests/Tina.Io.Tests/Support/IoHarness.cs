using System;
using System.Diagnostics;
using Tina.Io.Backends.Simulated;
using Tina.Io.Reactor;
using Tina.Time;

namespace Tina.Io.Tests.Support;

/// <summary>
/// A runtime with I/O driven round by round on the test thread (the Core's deterministic driver) with a manual
/// clock. Real sockets (epoll) keep moving on their own, so the clock steps a little every round; on the simulated
/// backend, idle rounds jump the clock to the next network event or timer.
/// </summary>
internal sealed class IoHarness : IDisposable
{
    public const long EpollStepNanoseconds = 20_000;

    public IoHarness(IoBackendKind backend, Action<TinaSpec> addIsolates, IoOptions? options = null, SimulatedNetwork? network = null, int shards = 1)
    {
        Backend = backend;
        options ??= new IoOptions();
        options.Backend = backend;
        if (backend == IoBackendKind.Simulated)
        {
            Network = network ?? new SimulatedNetwork(new SimulatedNetworkOptions(), new SplitMix64(42));
            options.Network = Network;
        }

        var spec = new TinaSpec
        {
            ShardCount = shards,
            PinThreads = false,
            IdlePollTicks = 0,
            MinimumLogLevel = TinaLogLevel.Information,
            LogSink = Log,
            WatchdogInterval = TimeSpan.Zero,
            Clock = Clock,
        };
        addIsolates(spec);
        spec.UseIo(options);
        Runtime = TinaRuntime.Create(spec);
    }

    public IoBackendKind Backend { get; }

    public ManualClock Clock { get; } = new();

    public SimulatedNetwork? Network { get; }

    public TinaRuntime Runtime { get; }

    public RecordingLogSink Log { get; } = new();

    public long Rounds { get; private set; }

    public IoReactor Reactor(int shard = 0) => (IoReactor)Runtime.ShardAt(shard).Reactor!;

    /// <summary>Runs rounds until <paramref name="done"/> holds; false when a bound (rounds or wall time) ran out first.</summary>
    public bool RunUntil(Func<bool> done, int maxRounds = 2_000_000, double wallSeconds = 60)
    {
        var wall = Stopwatch.StartNew();
        for (int round = 0; round < maxRounds; round++)
        {
            bool worked = Runtime.RunRound();
            Rounds++;
            if (done())
            {
                return true;
            }

            if ((round & 1023) == 0 && wall.Elapsed.TotalSeconds > wallSeconds)
            {
                return false;
            }

            AdvanceClock(worked);
        }

        return false;
    }

    /// <summary>Runs a fixed number of rounds.</summary>
    public void Run(int rounds)
    {
        for (int i = 0; i < rounds; i++)
        {
            bool worked = Runtime.RunRound();
            Rounds++;
            AdvanceClock(worked);
        }
    }

    private void AdvanceClock(bool worked)
    {
        if (Network is null)
        {
            Clock.AdvanceNanoseconds(EpollStepNanoseconds);
            return;
        }

        if (worked)
        {
            return;
        }

        long now = Clock.NowNanoseconds;
        long next = Network.NextEventTime;
        for (int shard = 0; shard < Runtime.ShardCount; shard++)
        {
            long untilTimer = Runtime.ShardAt(shard).NanosecondsUntilNextDeadline();
            if (untilTimer >= 0)
            {
                next = Math.Min(next, now + Math.Max(untilTimer, 1));
            }
        }

        Clock.NowNanoseconds = next == long.MaxValue || next <= now ? now + 100_000 : next;
    }

    public void Dispose() => Runtime.Dispose();
}
