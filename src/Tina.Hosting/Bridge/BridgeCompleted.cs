namespace Tina.Hosting;

/// <summary>
/// The message a bridged job's isolate receives when the job ends. Take the outcome with
/// <see cref="TinaTaskBridge.TryTake{TResult}"/> in that handler: it frees the job's slot.
/// </summary>
/// <param name="Job">The job, as <see cref="TinaTaskBridge.Start{TResult}"/> returned it.</param>
/// <param name="Status">How it ended.</param>
public readonly record struct BridgeCompleted(BridgeJob Job, BridgeStatus Status);
