namespace Tina.Hosting;

/// <summary>How a bridged job ended, as told to its isolate in <see cref="BridgeCompleted"/>.</summary>
public enum BridgeStatus : byte
{
    /// <summary>The task completed; its result is waiting in <see cref="TinaTaskBridge.TryTake{TResult}"/>.</summary>
    Succeeded = 0,
    /// <summary>The task threw; the exception is in the outcome.</summary>
    Faulted = 1,
    /// <summary>The job's timeout elapsed first; its token was cancelled.</summary>
    TimedOut = 2,
    /// <summary>The isolate cancelled it (<see cref="TinaTaskBridge.Cancel"/>).</summary>
    Cancelled = 3,
}
