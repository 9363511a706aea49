using System.Collections.Generic;
using Tina.Simulation;
using Tina.Simulation.Workloads;

namespace Tina.Tests.Simulation;

/// <summary>The call mesh with a <see cref="LossyLink"/> in its world.</summary>
internal sealed class LossyCallMeshWorkload : CallMeshWorkload
{
    public LossyCallMeshWorkload()
        : base("callmesh-lossy-link")
    {
    }

    public override IReadOnlyList<ISimulationComponent> CreateComponents() => [new LossyLink()];
}
