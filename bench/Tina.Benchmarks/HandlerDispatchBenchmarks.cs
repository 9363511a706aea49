using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Tina.Advanced;

namespace Tina.Benchmarks;

/// <summary>
/// The same isolate of eight message types written by hand as an <c>Is&lt;T&gt;</c> chain and as generated typed
/// handlers ([TinaHandlers], design/analyzers.md), each OnMessage called directly on runtime-built envelopes (captured
/// once in setup from a deterministic runtime) with a default context its handlers never touch: the dispatch alone,
/// per message. Cases: the chain's first type, a middle one (the 4th), the last, and a mix (a fixed pseudo-random
/// order over all eight, so neither form's branches are learnt). Each category's baseline is the chain.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortJobConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class HandlerDispatchBenchmarks
{
    /// <summary>Messages dispatched per invocation.</summary>
    public const int MessagesPerInvoke = 1024;

    private Message[] _byType = Array.Empty<Message>();
    private Message[] _mix = Array.Empty<Message>();
    private ChainOf8 _chain;
    private GeneratedOf8 _generated;

    [GlobalSetup]
    public void Setup()
    {
        var spec = new TinaSpec { ShardCount = 1 };
        spec.AddIsolate<EnvelopeRecorder>(slots: 1, mailboxCapacity: 16);
        using DeterministicRuntime driven = Driven.Create(spec);
        Handle recorder = driven.Runtime.Spawn<EnvelopeRecorder>(0).Handle;
        EnvelopeRecorder.Recorded.Clear();
        driven.Send(Handle.None, recorder, new D0(1));
        driven.Send(Handle.None, recorder, new D1(2));
        driven.Send(Handle.None, recorder, new D2(3));
        driven.Send(Handle.None, recorder, new D3(4));
        driven.Send(Handle.None, recorder, new D4(5));
        driven.Send(Handle.None, recorder, new D5(6));
        driven.Send(Handle.None, recorder, new D6(7));
        driven.Send(Handle.None, recorder, new D7(8));
        Driven.UntilIdle(driven);
        _byType = EnvelopeRecorder.Recorded.ToArray();
        if (_byType.Length != 8)
        {
            throw new InvalidOperationException($"Recorded {_byType.Length} envelopes, expected 8.");
        }

        // A fixed pseudo-random order (a 32-bit LCG), each type 128 times: the same sequence every run.
        var order = new List<int>(MessagesPerInvoke);
        for (int i = 0; i < MessagesPerInvoke; i++)
        {
            order.Add(i % 8);
        }

        uint state = 12345;
        for (int i = order.Count - 1; i > 0; i--)
        {
            state = (state * 1664525) + 1013904223;
            int j = (int)(state % (uint)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }

        _mix = new Message[MessagesPerInvoke];
        for (int i = 0; i < MessagesPerInvoke; i++)
        {
            _mix[i] = _byType[order[i]];
        }

        // Both forms must agree before either is timed.
        if (Chain_Mix() != Generated_Mix())
        {
            throw new InvalidOperationException("The generated dispatch disagrees with the hand-written chain.");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = MessagesPerInvoke), BenchmarkCategory("First")]
    public long Chain_First() => ChainSame(in _byType[0]);

    [Benchmark(OperationsPerInvoke = MessagesPerInvoke), BenchmarkCategory("First")]
    public long Generated_First() => GeneratedSame(in _byType[0]);

    [Benchmark(Baseline = true, OperationsPerInvoke = MessagesPerInvoke), BenchmarkCategory("Middle")]
    public long Chain_Middle() => ChainSame(in _byType[3]);

    [Benchmark(OperationsPerInvoke = MessagesPerInvoke), BenchmarkCategory("Middle")]
    public long Generated_Middle() => GeneratedSame(in _byType[3]);

    [Benchmark(Baseline = true, OperationsPerInvoke = MessagesPerInvoke), BenchmarkCategory("Last")]
    public long Chain_Last() => ChainSame(in _byType[7]);

    [Benchmark(OperationsPerInvoke = MessagesPerInvoke), BenchmarkCategory("Last")]
    public long Generated_Last() => GeneratedSame(in _byType[7]);

    [Benchmark(Baseline = true, OperationsPerInvoke = MessagesPerInvoke), BenchmarkCategory("Mix")]
    public long Chain_Mix()
    {
        Message[] mix = _mix;
        for (int i = 0; i < mix.Length; i++)
        {
            Context ctx = default;
            _chain.OnMessage(ref ctx, in mix[i]);
        }

        return _chain.Sum;
    }

    [Benchmark(OperationsPerInvoke = MessagesPerInvoke), BenchmarkCategory("Mix")]
    public long Generated_Mix()
    {
        Message[] mix = _mix;
        for (int i = 0; i < mix.Length; i++)
        {
            Context ctx = default;
            _generated.OnMessage(ref ctx, in mix[i]);
        }

        return _generated.Sum;
    }

    private long ChainSame(in Message message)
    {
        for (int i = 0; i < MessagesPerInvoke; i++)
        {
            Context ctx = default;
            _chain.OnMessage(ref ctx, in message);
        }

        return _chain.Sum;
    }

    private long GeneratedSame(in Message message)
    {
        for (int i = 0; i < MessagesPerInvoke; i++)
        {
            Context ctx = default;
            _generated.OnMessage(ref ctx, in message);
        }

        return _generated.Sum;
    }
}
