using Tina.Isolates;
using Tina.Scheduling;

namespace Tina.Simulation.Workloads;

/// <summary>How a workload's checker reads the state of an isolate it spawned.</summary>
internal static class LiveIsolate
{
    /// <summary>
    /// The instance behind <paramref name="handle"/>, or null when the isolate has exited (its slot is free or holds a
    /// later generation).
    /// </summary>
    public static T? Of<T>(TinaRuntime runtime, Handle handle)
        where T : class, IIsolate, new()
    {
        Shard shard = runtime.ShardAt(handle.Shard);
        return shard.IsAlive(handle) ? ((IsolateTable<T>)shard.TypeTable(handle.Type)).InstanceAt(handle.Slot) : null;
    }
}
