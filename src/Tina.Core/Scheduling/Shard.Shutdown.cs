using Tina.Isolates;
using Tina.Supervision;

namespace Tina.Scheduling;

/// <remarks>
/// Three-phase shutdown: the sequence and its invariants are <see cref="ShutdownSequence"/>'s
/// (<c>Supervision/ShutdownSequence.cs</c>); this file is the shard's side of it: the notices (phase 1) and the
/// tear-down (phase 3) it asks for, and the values the runtime reads.
/// </remarks>
internal sealed partial class Shard : IShutdownHost
{
    /// <summary>False once shutdown has begun or the shard is quarantined.</summary>
    private bool AcceptsNewWork => _shutdown.Stage == ShutdownStage.None && Status != ShardStatus.Quarantined;

    public long ShutdownDrained => _shutdown.Drained;

    public long ShutdownForced => _shutdown.Forced;

    public int PublishedLive => _shutdown.PublishedLive;

    public ShutdownStage PublishedStage => _shutdown.PublishedStage;

    void IShutdownHost.NoticeAll(long budgetTicks)
    {
        _supervision.CancelForShutdown();

        foreach (IsolateTable table in _types)
        {
            for (int slot = 0; slot < table.SlotCount; slot++)
            {
                // Supervised isolates get their notice through their group, deepest first.
                if (table.Meta[slot].State != IsolateState.Free && table.Meta[slot].SupervisorNode < 0)
                {
                    BeginCancel(table, slot, table.HandleOf(Id, slot), 0, shutdown: true, budgetTicks);
                }
            }
        }
    }

    int IShutdownHost.TerminateRemaining() => TerminateAll(ExitOutcome.Cancelled, CallStatus.ShuttingDown);

    int IShutdownHost.LiveIsolates() => LiveIsolates();
}
