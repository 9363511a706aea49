namespace Tina;

/// <summary>Why a spawn succeeded or failed.</summary>
public enum SpawnStatus : byte
{
    /// <summary>Spawned.</summary>
    Ok = 0,
    /// <summary>Every slot of the type on that shard is live.</summary>
    SlotsExhausted = 1,
    /// <summary>No pool slot for the start message.</summary>
    PoolExhausted = 2,
    /// <summary>The isolate type is not registered in the boot spec.</summary>
    UnknownType = 3,
    /// <summary>The isolate failed to start (a simulated init failure, or a failed start under supervision).</summary>
    InitFailed = 4,
    /// <summary>The supervisor group already holds its maximum of dynamic children.</summary>
    GroupFull = 5,
    /// <summary>No supervisor group has that name.</summary>
    UnknownGroup = 6,
    /// <summary>The runtime is shutting down or the shard is quarantined.</summary>
    NotAccepting = 7,
    /// <summary>
    /// The isolate type's constructor threw. Nothing was spawned (no slot taken, no handle issued); the exception is
    /// logged, and counted as a spawn failure and a panic. Under supervision it counts as a restart.
    /// </summary>
    ConstructorFailed = 8,
    /// <summary>
    /// <see cref="Context.SpawnOn{TIsolate, TStart}(int, in TStart, out SpawnStatus)"/> to another shard: the request
    /// was sent; that shard spawns the isolate or counts a spawn failure (its outcome is not reported back).
    /// </summary>
    Requested = 9,
    /// <summary>
    /// <see cref="Context.SpawnOn{TIsolate, TStart}(int, in TStart, out SpawnStatus)"/> to another shard: the request
    /// could not be sent (the returned <see cref="SendResult"/> says why: ring full, shard unavailable, bad index).
    /// </summary>
    NotRequested = 10,
}
