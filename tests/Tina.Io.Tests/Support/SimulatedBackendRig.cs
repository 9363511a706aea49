using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using NUnit.Framework;
using Tina.Io.Backends.Simulated;
using Tina.Io.Reactor;
using Tina.Time;

namespace Tina.Io.Tests.Support;

/// <summary>
/// One simulated backend driven directly, without a reactor: submissions go in one by one, and the clock moves from
/// network event to network event while the test collects completions. Native memory the submissions point at
/// (addresses, send payloads, receive room) lives as long as the rig, since an operation may park.
/// </summary>
internal unsafe class SimulatedBackendRig : IDisposable
{
    private readonly IoCompletionEntry[] _scratch = new IoCompletionEntry[256];
    private readonly List<nint> _allocations = new();
    private readonly bool _ownsBackend;

    public SimulatedBackendRig(SimulatedNetworkOptions options, ulong seed = 1)
    {
        Network = new SimulatedNetwork(options, new SplitMix64(seed));
        Clock = new ManualClock();
        Backend = new SimulatedBackend(Network, () => Clock.NowNanoseconds);
        _ownsBackend = true;
    }

    /// <summary>A second window onto another rig's network (another shard's backend); it does not own the backend.</summary>
    public SimulatedBackendRig(SimulatedNetwork network, SimulatedBackend backend, ManualClock clock)
    {
        Network = network;
        Backend = backend;
        Clock = clock;
    }

    public SimulatedNetwork Network { get; }

    public SimulatedBackend Backend { get; }

    public ManualClock Clock { get; }

    public void Submit(IoSubmission submission) => Assert.That(Backend.Submit(new[] { submission }), Is.EqualTo(1));

    /// <summary>What is ready now (the network advanced to the clock, which does not move).</summary>
    public List<IoCompletionEntry> Drain()
    {
        var all = new List<IoCompletionEntry>();
        int n;
        while ((n = Backend.Collect(_scratch)) > 0)
        {
            all.AddRange(_scratch.AsSpan(0, n).ToArray());
        }

        return all;
    }

    /// <summary>Moves the clock from event to event until none is left (or <paramref name="until"/>); returns every completion.</summary>
    public List<IoCompletionEntry> RunUntil(long until)
    {
        List<IoCompletionEntry> all = Drain();
        while (Network.NextEventTime <= until)
        {
            Clock.NowNanoseconds = Math.Max(Clock.NowNanoseconds, Network.NextEventTime);
            all.AddRange(Drain());
        }

        return all;
    }

    /// <summary>Moves the clock from event to event until none is left; returns every completion.</summary>
    public List<IoCompletionEntry> Settle() => RunUntil(long.MaxValue - 1);

    /// <summary>Native memory that lives as long as the rig.</summary>
    public nint Allocate(int length)
    {
        nint memory = (nint)NativeMemory.Alloc((nuint)Math.Max(1, length));
        _allocations.Add(memory);
        return memory;
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_ownsBackend)
        {
            Backend.Dispose();
        }

        foreach (nint allocation in _allocations)
        {
            NativeMemory.Free((void*)allocation);
        }

        _allocations.Clear();
    }
}
