using Tina.Diagnostics;

namespace Tina.Supervision;

/// <summary>
/// Level 2 of supervision on one shard: the root supervisor's escalation requests a rebuild, done at a safe point of
/// the tick; more rebuilds than <see cref="TinaSpec.ShardRebuildMax"/> in <see cref="TinaSpec.ShardRebuildWindow"/>
/// quarantine the shard instead. Used by <see cref="SupervisionTree"/>, which resets and restarts its nodes after a
/// rebuild.
/// </summary>
/// <remarks>
/// <para>Invariants. A request is consumed by exactly one <see cref="TryRebuild"/>, which either rebuilds (charged to
/// the rebuild budget) or quarantines (the budget is spent). <see cref="InProgress"/> is true exactly while the shard's
/// isolates are being torn down for a rebuild or a quarantine: every exit in that window is the rebuild's doing, and
/// no supervisor reacts to it. Quarantine is final: the shard accepts nothing afterwards, so nothing can request
/// again.</para>
/// <para>Threads. Shard-thread only.</para>
/// </remarks>
internal sealed class ShardRebuild
{
    private readonly ISupervisionHost _host;
    private readonly ShardCounters _counters;
    private readonly RestartHistory _history; // rebuilds in the sliding window
    private bool _requested;                  // the root escalated; rebuild at the next safe point
    private bool _inProgress;                 // tearing everything down: no supervisor reactions

    public ShardRebuild(ISupervisionHost host, TinaSpec spec, ShardCounters counters)
    {
        _host = host;
        _counters = counters;
        _history = new RestartHistory(spec.ShardRebuildMax, spec.ShardRebuildWindow.Ticks * 100);
    }

    /// <summary>True from the root's escalation until the next safe point.</summary>
    public bool Requested => _requested;

    /// <summary>True while a rebuild or quarantine tears the shard's isolates down.</summary>
    public bool InProgress => _inProgress;

    /// <summary>The root supervisor escalated.</summary>
    public void Request() => _requested = true;

    /// <summary>
    /// At the safe point: when a rebuild was requested, tears every isolate down and returns true (the tree then
    /// restarts from its spec), or quarantines the shard when rebuilds are over budget and returns false.
    /// </summary>
    public bool TryRebuild()
    {
        if (!_requested)
        {
            return false;
        }

        _requested = false;
        if (!_history.TryRecord(_host.NowNanoseconds))
        {
            Quarantine();
            return false;
        }

        _counters.Increment(ShardCounter.ShardRebuilds);
        _host.Log(TinaLogLevel.Error, "root supervisor escalated; rebuilding the shard", 0, TinaEvent.ShardRebuilding);
        _inProgress = true;
        _host.TerminateAll(ExitOutcome.Cancelled, CallStatus.NoReply);
        _inProgress = false;
        return true;
    }

    /// <summary>Stops the shard for good: every isolate torn down, calls owed fail with ShardUnavailable, sends refused.</summary>
    private void Quarantine()
    {
        _counters.Increment(ShardCounter.ShardQuarantines);
        _host.Log(TinaLogLevel.Critical, "shard rebuilt too often; quarantined", 0, TinaEvent.ShardQuarantined);
        _host.MarkQuarantined();
        _inProgress = true;
        _host.TerminateAll(ExitOutcome.Cancelled, CallStatus.ShardUnavailable);
        _inProgress = false;
        _host.DropRunQueues();
    }
}
