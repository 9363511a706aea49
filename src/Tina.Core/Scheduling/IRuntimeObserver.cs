namespace Tina.Scheduling;

/// <summary>
/// The runtime's observation seam: the simulator folds these events into its trace hash and runs checkers on them;
/// supervision listens to exits. Null in plain production runs (one null check per dispatch).
/// Called on the shard thread; implementations must not allocate on the hot path.
/// </summary>
internal interface IRuntimeObserver
{
    void OnDispatch(int shard, Handle isolate, in Message message);

    void OnEffect(int shard, Handle isolate, Effect effect);

    void OnSpawn(int shard, Handle isolate, Handle parent);

    void OnExit(int shard, Handle isolate, ExitOutcome outcome, int reason);

    /// <summary>A cancelled supervisor group finished: every child has exited.</summary>
    void OnGroupExit(int shard, int group)
    {
    }
}
