using System;
using System.Globalization;

namespace Tina.Simulation.Workloads;

/// <summary>
/// What the isolates of one lifecycle run share outside the runtime: a directory of recently started isolates (the
/// way they learn each other's addresses; entries go stale as isolates exit, which is the point) and the tallies the
/// workload checks and the sweep prints. One per run, reached through the simulator
/// (<see cref="Of(ref Context)"/>); the simulator's one thread is the only writer.
/// </summary>
internal sealed class LifecycleWorld
{
    private readonly ulong[] _directory = new ulong[64];

    /// <summary>Buffers whose bytes differed from what the sender wrote (must stay 0).</summary>
    public long BufferMismatches { get; set; }

    /// <summary>Ok replies that did not answer the question asked (must stay 0).</summary>
    public long WrongAnswers { get; set; }

    /// <summary>Buffers handed on in a message (coverage).</summary>
    public long BuffersSent { get; set; }

    /// <summary>Buffers received from another shard (coverage).</summary>
    public long BuffersReceivedRemote { get; set; }

    /// <summary>Flood messages handled (coverage).</summary>
    public long FloodHandled { get; set; }

    /// <summary>Flood sends refused because a mailbox was full (coverage).</summary>
    public long FloodRefused { get; set; }

    /// <summary>Downs handed to peers and drivers (coverage).</summary>
    public long Downs { get; set; }

    /// <summary>Cancel or Shutdown notices handled (coverage).</summary>
    public long Notices { get; set; }

    /// <summary>Calls that ended with ShuttingDown (coverage).</summary>
    public long CallsShuttingDown { get; set; }

    /// <summary>Cancels the drivers issued that were accepted (coverage).</summary>
    public long CancelsIssued { get; set; }

    /// <summary>Group cancellations the drivers issued (coverage).</summary>
    public long GroupCancels { get; set; }

    /// <summary>The world of the run <paramref name="ctx"/> belongs to, or null outside a lifecycle simulation.</summary>
    public static LifecycleWorld? Of(ref Context ctx) =>
        (SimulationLedger.SimulatorOf(ctx.Shard.Runtime)?.Workload as LifecycleWorkload)?.World;

    /// <summary>An isolate started: others may pick it from now on.</summary>
    public void Publish(Handle handle)
    {
        int index = (int)((uint)((handle.Shard * 16) + handle.Slot + (handle.Type * 7)) % (uint)_directory.Length);
        _directory[index] = handle.Value;
    }

    /// <summary>A handle some isolate published (it may have exited since), or None.</summary>
    public Handle Pick(ulong draw) => new(_directory[(int)(draw % (ulong)_directory.Length)]);

    /// <summary>One line for the sweep.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"buffers sent {BuffersSent} (remote {BuffersReceivedRemote}), flood handled {FloodHandled} refused {FloodRefused}, downs {Downs}, notices {Notices}, shutting-down outcomes {CallsShuttingDown}, cancels {CancelsIssued}, group cancels {GroupCancels}");

    /// <summary>Adds another run's tallies (the sweep's totals).</summary>
    public void Add(LifecycleWorld other)
    {
        ArgumentNullException.ThrowIfNull(other);
        BufferMismatches += other.BufferMismatches;
        WrongAnswers += other.WrongAnswers;
        BuffersSent += other.BuffersSent;
        BuffersReceivedRemote += other.BuffersReceivedRemote;
        FloodHandled += other.FloodHandled;
        FloodRefused += other.FloodRefused;
        Downs += other.Downs;
        Notices += other.Notices;
        CallsShuttingDown += other.CallsShuttingDown;
        CancelsIssued += other.CancelsIssued;
        GroupCancels += other.GroupCancels;
    }
}
