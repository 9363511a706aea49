using System;
using System.Collections.Generic;
using Tina.Simulation;

namespace Tina.Advanced;

/// <summary>Adapts a public <see cref="ISimulatedSystem"/> to the simulator's internal workload shape.</summary>
internal sealed class SimulatedSystemWorkload : ISimulationWorkload
{
    private readonly ISimulatedSystem _system;

    public SimulatedSystemWorkload(ISimulatedSystem system) => _system = system;

    public string Name => _system.Name;

    public TimeSpan CallTimeoutMax => _system.CallTimeoutMax;

    public void Configure(TinaSpec spec, ref Xoshiro256StarStar random) => _system.Configure(spec);

    public FaultTargets CreateFaultTargets(TinaSpec spec)
    {
        var targets = new FaultTargets(spec.Isolates.Count);
        IReadOnlyCollection<Type> types = _system.FaultTargetTypes;
        for (int i = 0; i < spec.Isolates.Count; i++)
        {
            foreach (Type type in types)
            {
                if (spec.Isolates[i].IsolateType == type)
                {
                    targets.Crash(i).FailSpawn(i).RefuseMailbox(i);
                }
            }
        }

        return targets;
    }

    public IReadOnlyList<ISimulationComponent> CreateComponents() => Array.Empty<ISimulationComponent>();

    public void Boot(TinaRuntime runtime, ref Xoshiro256StarStar random) => _system.Boot(runtime, random.NextUInt64());

    public bool IsComplete(TinaRuntime runtime) => _system.IsComplete(runtime);

    public bool Check(TinaRuntime runtime, bool final, out string? violation) => _system.Check(runtime, final, out violation);
}
