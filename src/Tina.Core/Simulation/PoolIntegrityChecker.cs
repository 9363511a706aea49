using System;
using System.Globalization;
using Tina.Isolates;
using Tina.Scheduling;

namespace Tina.Simulation;

/// <summary>
/// Per shard: every message-pool envelope is either free or queued in exactly one live isolate's mailbox
/// (<c>Pool.FreeCount + Σ MailboxCount over live isolates = capacity</c>, the sum taken from slot metadata), a free
/// slot holds no mail, and each type's free list plus its live slots is its slot count. A weaker check would only compare
/// free ≤ capacity (weak spot 9).
/// </summary>
internal sealed class PoolIntegrityChecker : ISimulationChecker
{
    public string Name => "PoolIntegrity";

    public bool Check(Simulator simulator, bool final, out string? violation)
    {
        TinaRuntime runtime = simulator.Runtime;
        for (int s = 0; s < runtime.ShardCount; s++)
        {
            Shard shard = runtime.ShardAt(s);
            long queued = 0;
            for (int type = 0; type < shard.TypeCount; type++)
            {
                IsolateTable table = shard.TypeTable(type);
                int live = 0;
                for (int slot = 0; slot < table.SlotCount; slot++)
                {
                    ref IsolateMeta meta = ref table.Meta[slot];
                    if (meta.State == IsolateState.Free)
                    {
                        if (meta.MailboxCount != 0)
                        {
                            violation = Format($"shard {s} type {type} slot {slot} is free but holds {meta.MailboxCount} queued messages");
                            return false;
                        }

                        continue;
                    }

                    live++;
                    queued += meta.MailboxCount;
                }

                int free = table.CountFree();
                if (live != table.LiveCount || free + live != table.SlotCount)
                {
                    violation = Format($"shard {s} type {type}: {live} live slots by scan, LiveCount {table.LiveCount}, free list {free}, slots {table.SlotCount}");
                    return false;
                }
            }

            if (shard.Pool.FreeCount + queued != shard.Pool.Capacity)
            {
                violation = Format($"shard {s}: pool free {shard.Pool.FreeCount} + queued {queued} != capacity {shard.Pool.Capacity}");
                return false;
            }
        }

        violation = null;
        return true;
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
