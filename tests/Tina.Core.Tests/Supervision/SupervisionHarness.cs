using System;
using System.Collections.Generic;
using Tina.Scheduling;
using Tina.Time;

namespace Tina.Tests.Supervision;

/// <summary>A deterministic runtime (manual clock, every shard driven on the test thread) plus an exit recorder.</summary>
internal sealed class SupervisionHarness : IDisposable
{
    public SupervisionHarness(TinaSpec spec)
    {
        spec.Clock = Clock;
        spec.PinThreads = false;
        spec.MinimumLogLevel = TinaLogLevel.None;
        Runtime = TinaRuntime.Create(spec);
        Runtime.Observer = Recorder;
    }

    public ManualClock Clock { get; } = new();

    public ExitRecorder Recorder { get; } = new();

    public TinaRuntime Runtime { get; }

    public Shard Shard(int index = 0) => Runtime.ShardAt(index);

    public void Run(int rounds = 8)
    {
        for (int i = 0; i < rounds; i++)
        {
            Runtime.RunRound();
        }
    }

    public void Advance(TimeSpan by, int rounds = 4)
    {
        Clock.Advance(by);
        Run(rounds);
    }

    public Handle Child(string group, int index, int shard = 0) => Shard(shard).ChildHandle(group, index);

    public long Count(ShardCounter counter) => Runtime.Total(counter);

    public void Dispose() => Runtime.Dispose();
}

/// <summary>Records exits and group completions in order.</summary>
internal sealed class ExitRecorder : IRuntimeObserver
{
    public List<(Handle Isolate, ExitOutcome Outcome)> Exits { get; } = new();

    public List<int> GroupExits { get; } = new();

    public void OnDispatch(int shard, Handle isolate, in Message message)
    {
    }

    public void OnEffect(int shard, Handle isolate, Effect effect)
    {
    }

    public void OnSpawn(int shard, Handle isolate, Handle parent)
    {
    }

    public void OnExit(int shard, Handle isolate, ExitOutcome outcome, int reason) => Exits.Add((isolate, outcome));

    public void OnGroupExit(int shard, int group) => GroupExits.Add(group);
}
