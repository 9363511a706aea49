namespace Tina.Hosting;

/// <summary>Names one bridged job: its slot and that slot's generation, so a stale id never reaches a later job.</summary>
/// <param name="Slot">The job slot.</param>
/// <param name="Generation">The slot's generation when the job started.</param>
public readonly record struct BridgeJob(int Slot, int Generation)
{
    /// <summary>True for the default value, which names no job.</summary>
    public bool IsNone => Generation == 0;
}
