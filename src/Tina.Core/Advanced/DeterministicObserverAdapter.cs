using Tina.Scheduling;

namespace Tina.Advanced;

/// <summary>Forwards the runtime's internal observation seam to a public <see cref="IDeterministicObserver"/>.</summary>
internal sealed class DeterministicObserverAdapter : IRuntimeObserver
{
    private readonly IDeterministicObserver _target;

    public DeterministicObserverAdapter(IDeterministicObserver target) => _target = target;

    public IDeterministicObserver Target => _target;

    public void OnDispatch(int shard, Handle isolate, in Message message) => _target.OnDispatch(shard, isolate, in message);

    public void OnEffect(int shard, Handle isolate, Effect effect) => _target.OnEffect(shard, isolate, effect);

    public void OnSpawn(int shard, Handle isolate, Handle parent) => _target.OnSpawn(shard, isolate, parent);

    public void OnExit(int shard, Handle isolate, ExitOutcome outcome, int reason) => _target.OnExit(shard, isolate, outcome, reason);
}
