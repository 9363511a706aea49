using Tina.Scheduling;

namespace Tina.Simulation;

/// <summary>
/// A dense index over every isolate slot of every type on every shard, so checkers can keep per-slot memory in flat
/// arrays (no hashed collections: their order is no contract and their hashes vary per process).
/// </summary>
internal sealed class SlotMap
{
    private readonly int[] _base;   // [shard * typeCount + type] → index of slot 0

    public SlotMap(TinaRuntime runtime)
    {
        ShardCount = runtime.ShardCount;
        TypeCount = runtime.ShardAt(0).TypeCount;
        _base = new int[ShardCount * TypeCount];
        int next = 0;
        for (int shard = 0; shard < ShardCount; shard++)
        {
            Shard owner = runtime.ShardAt(shard);
            for (int type = 0; type < TypeCount; type++)
            {
                _base[(shard * TypeCount) + type] = next;
                next += owner.TypeTable(type).SlotCount;
            }
        }

        Total = next;
    }

    public int ShardCount { get; }

    public int TypeCount { get; }

    /// <summary>Slots in the runtime, all shards and types together.</summary>
    public int Total { get; }

    public int IndexOf(int shard, int type, int slot) => _base[(shard * TypeCount) + type] + slot;

    public int IndexOf(int shard, Handle handle) => IndexOf(shard, handle.Type, handle.Slot);
}
