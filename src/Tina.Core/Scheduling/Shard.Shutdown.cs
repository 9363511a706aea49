using System.Threading;
using Tina.Isolates;

namespace Tina.Scheduling;

/// <remarks>
/// Three-phase shutdown, driven by the runtime's phase word and applied by each shard on its own thread:
/// (1) stop admitting new work (spawns refused, outside posts refused) and give every live isolate a Shutdown notice
/// before its mail, with the remaining timeout as its drain budget; (2) drain: scheduling goes on, supervisors restart
/// nothing, calls owed by exiting isolates fail with ShuttingDown; (3) at the timeout, tear down what remains
/// (counted as forced). The shard publishes its live count so the runtime knows when phase 2 is done.
/// </remarks>
internal sealed partial class Shard
{
    private ShutdownStage _shutdownStage;
    private long _shutdownBudgetTicks;
    private long _shutdownDrained;        // isolates that exited on their own while draining
    private long _shutdownForced;         // isolates torn down at phase 3 or by their drain deadline
    private int _publishedLive = -1;      // live isolates, published for the runtime while shutting down (volatile)
    private int _publishedStage;          // ShutdownStage, published for the runtime (volatile)

    /// <summary>False once shutdown has begun or the shard is quarantined.</summary>
    private bool AcceptsNewWork => _shutdownStage == ShutdownStage.None && Status != ShardStatus.Quarantined;

    public long ShutdownDrained => Volatile.Read(ref _shutdownDrained);

    public long ShutdownForced => Volatile.Read(ref _shutdownForced);

    public int PublishedLive => Volatile.Read(ref _publishedLive);

    public ShutdownStage PublishedStage => (ShutdownStage)Volatile.Read(ref _publishedStage);

    private void AdvanceShutdown(int phase, long budgetTicks)
    {
        if (phase >= 1 && _shutdownStage == ShutdownStage.None)
        {
            _shutdownStage = ShutdownStage.Draining;
            _shutdownBudgetTicks = budgetTicks;
            if (_nodes.Length > 0)
            {
                CancelGroup(_nodes[0], 0, shutdown: true);
            }

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

        if (phase >= 3 && _shutdownStage == ShutdownStage.Draining)
        {
            _forcing = true;
            long forced = TerminateAll(ExitOutcome.Cancelled, CallStatus.ShuttingDown);
            _forcing = false;
            Counters.Add(ShardCounter.IsolatesForced, forced);
            _shutdownStage = ShutdownStage.Done;
        }

        Volatile.Write(ref _publishedLive, LiveIsolates());
        Volatile.Write(ref _publishedStage, (int)_shutdownStage);
    }
}
