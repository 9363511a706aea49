using Tina.Simulation.Workloads;

namespace Tina.Tests.Simulation;

/// <summary>
/// Planted bug 1 (application level): a dispatcher that records every completion report, so a job that was run
/// twice (its lease expired and it was granted again) or reported twice (the first acknowledgement was lost) is
/// counted twice. The dispatcher workload's ledger checker must catch it.
/// </summary>
internal sealed class DoubleCountingDispatcher : JobDispatcher
{
    protected override void RecordCompletion(int jobId, long value)
    {
        DoneCount[jobId]++;
        DoneValue[jobId] = value;
        Completed++;
    }
}
