using System;
using System.Collections.Generic;
using Tina.Advanced;

namespace Tina.Testing;

/// <summary>Adapts a <see cref="SimulationWorkload"/> to the engine's <see cref="ISimulatedSystem"/>.</summary>
internal sealed class WorkloadSystem : ISimulatedSystem
{
    private readonly SimulationWorkload _workload;

    public WorkloadSystem(SimulationWorkload workload) => _workload = workload;

    public string Name => _workload.Name;

    public TimeSpan CallTimeoutMax => _workload.CallTimeoutMax;

    public IReadOnlyCollection<Type> FaultTargetTypes => _workload.FaultTargets;

    public void Configure(TinaSpec spec) => _workload.Configure(spec);

    public void Boot(TinaRuntime runtime, ulong seed) => _workload.Setup(runtime, seed);

    public bool IsComplete(TinaRuntime runtime) => _workload.IsComplete(runtime);

    public bool Check(TinaRuntime runtime, bool final, out string? violation)
    {
        violation = _workload.Check(runtime, final);
        return violation is null;
    }
}
