using System;
using Tina.Advanced;
using Tina.Io.Reactor;
using Tina.Time;

namespace Tina.Io.Tests.Support;

/// <summary>
/// The scripted reactor tests' rig: a one-shard runtime on the deterministic driver (<see cref="TinaRuntime.RunRound"/>
/// under a <see cref="ManualClock"/>) whose reactor runs over a <see cref="FakeBackend"/>, so a test decides every
/// completion the "kernel" returns and when.
/// </summary>
internal sealed class ScriptedReactor : IDisposable
{
    public ScriptedReactor(FakeBackend backend, Action<TinaSpec> addIsolates, IoOptions? options = null)
    {
        Backend = backend;
        Clock = new ManualClock();
        var spec = new TinaSpec
        {
            ShardCount = 1, PinThreads = false, IdlePollTicks = 0, WatchdogInterval = TimeSpan.Zero, MinimumLogLevel = TinaLogLevel.None, Clock = Clock,
        };
        addIsolates(spec);
        IoOptions frozen = options ?? new IoOptions { ConnectionCapacity = 8, BufferCount = 4, BufferSize = 512, AcceptBackoff = TimeSpan.FromMilliseconds(50) };
        spec.UseReactor(host => new IoReactor(host, backend, backend, frozen, "scripted"), "scripted");
        Runtime = TinaRuntime.Create(spec);
    }

    public FakeBackend Backend { get; }

    public ManualClock Clock { get; }

    public TinaRuntime Runtime { get; }

    /// <summary>Shard 0's reactor (built on its first round).</summary>
    public IoReactor Reactor => (IoReactor)Runtime.ShardAt(0).Reactor!;

    /// <summary>Runs <paramref name="rounds"/> rounds, the clock moving <paramref name="stepNanoseconds"/> after each.</summary>
    public void Run(int rounds, long stepNanoseconds = 100_000)
    {
        for (int i = 0; i < rounds; i++)
        {
            Runtime.RunRound();
            Clock.AdvanceNanoseconds(stepNanoseconds);
        }
    }

    public void Dispose()
    {
        Runtime.Dispose();
        Backend.Dispose();
    }
}
