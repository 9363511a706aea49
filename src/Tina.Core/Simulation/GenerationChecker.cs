using System;
using System.Globalization;
using Tina.Isolates;
using Tina.Scheduling;

namespace Tina.Simulation;

/// <summary>
/// Generations only grow: remembers the last generation seen in every slot and fails when one goes back (the
/// original only checked non-zero, weak spot 9). A live slot's generation is never 0.
/// </summary>
internal sealed class GenerationChecker : ISimulationChecker
{
    private uint[] _last = Array.Empty<uint>();   // [slot index] last generation seen; 0 = never looked

    public string Name => "Generations";

    public bool Check(Simulator simulator, bool final, out string? violation)
    {
        SlotMap map = simulator.Slots;
        if (_last.Length != map.Total)
        {
            _last = new uint[map.Total];
        }

        TinaRuntime runtime = simulator.Runtime;
        for (int s = 0; s < runtime.ShardCount; s++)
        {
            Shard shard = runtime.ShardAt(s);
            for (int type = 0; type < shard.TypeCount; type++)
            {
                IsolateTable table = shard.TypeTable(type);
                for (int slot = 0; slot < table.SlotCount; slot++)
                {
                    uint generation = table.Meta[slot].Generation;
                    int index = map.IndexOf(s, type, slot);
                    // The 22-bit wrap (4.2 M exits of one slot) is out of reach of a simulation run.
                    if (generation == 0 || generation < _last[index])
                    {
                        violation = string.Create(
                            CultureInfo.InvariantCulture,
                            $"shard {s} type {type} slot {slot}: generation {generation} after {_last[index]}");
                        return false;
                    }

                    _last[index] = generation;
                }
            }
        }

        violation = null;
        return true;
    }
}
