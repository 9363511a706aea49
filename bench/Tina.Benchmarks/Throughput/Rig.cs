using System;

namespace Tina.Benchmarks.Throughput;

/// <summary>
/// A built, not yet started runtime plus how to read its progress. <see cref="Work"/> and <see cref="RemoteWork"/>
/// are delegates built before the measured window (calling them allocates nothing).
/// </summary>
internal sealed class Rig : IDisposable
{
    public Rig(TinaRuntime runtime, string unit, int messagesPerUnit, Func<long> work, Func<long>? remoteWork = null)
    {
        Runtime = runtime;
        Unit = unit;
        MessagesPerUnit = messagesPerUnit;
        Work = work;
        RemoteWork = remoteWork;
    }

    public TinaRuntime Runtime { get; }

    /// <summary>What one unit of <see cref="Work"/> is ("msgs", "round trips").</summary>
    public string Unit { get; }

    /// <summary>Messages per unit of work (1 for one-way, 2 for a call and its reply), for bytes per message.</summary>
    public int MessagesPerUnit { get; }

    /// <summary>Cumulative work done (messages delivered to the sink, or round trips completed).</summary>
    public Func<long> Work { get; }

    /// <summary>The part of <see cref="Work"/> that crossed shards, where the scenario mixes local and remote.</summary>
    public Func<long>? RemoteWork { get; }

    public void Dispose() => Runtime.Dispose();
}
