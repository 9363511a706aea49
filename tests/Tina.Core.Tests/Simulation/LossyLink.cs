using Tina.Messaging;
using Tina.Simulation;

namespace Tina.Tests.Simulation;

/// <summary>
/// Planted bug 2 (transport level): a link that, during the fault phase, silently loses one user message from a
/// ring now and then: no send result, no counter. The message-accounting checker must catch it.
/// </summary>
internal sealed class LossyLink : ISimulationComponent
{
    private const int LossPpm = 20_000;   // 2 % of rounds

    private TinaRuntime? _runtime;
    private TraceRecorder? _trace;
    private bool _on = true;

    public string Name => "lossy-link";

    /// <summary>Messages lost so far.</summary>
    public int Lost { get; private set; }

    public void Attach(TinaRuntime runtime, TraceRecorder trace)
    {
        _runtime = runtime;
        _trace = trace;
    }

    public void OnRound(long round, long nowNanoseconds, ref Xoshiro256StarStar random)
    {
        if (!_on || !random.Chance(LossPpm))
        {
            return;
        }

        int shards = _runtime!.ShardCount;
        int to = (int)random.NextBelow((uint)shards);
        int from = (int)random.NextBelow((uint)shards);
        SpscRing? ring = _runtime.ShardAt(to).InboundRingFrom(from);
        if (ring is null || ring.BeginRead() == 0)
        {
            return;
        }

        MessageKind kind = ring.ReadAt(0).KindValue;
        if (kind is MessageKind.User or MessageKind.Call)
        {
            ring.EndRead(1);   // the bug: gone without a trace in any counter
            Lost++;
            _trace!.Record(TraceEventKind.Component, to, 0, (ulong)from, (ulong)kind);
        }
    }

    public bool HasPendingWork(long nowNanoseconds) => false;

    public long NextEventNanoseconds(long nowNanoseconds) => long.MaxValue;

    public void OnFaultsOff() => _on = false;

    public bool Check(bool final, out string? violation)
    {
        violation = null;
        return true;
    }
}
