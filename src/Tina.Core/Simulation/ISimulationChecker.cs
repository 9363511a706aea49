namespace Tina.Simulation;

/// <summary>
/// An invariant the simulator checks every <see cref="SimulationOptions.CheckInterval"/> rounds and at the end,
/// between rounds (no tick in progress). A checker computes its expectation from state it observes itself, never
/// from the value it checks, so it cannot pass by construction.
/// </summary>
internal interface ISimulationChecker
{
    /// <summary>The name printed in the failure line.</summary>
    string Name { get; }

    /// <summary>Checks the invariant.</summary>
    /// <param name="simulator">The running simulation.</param>
    /// <param name="final">True at the end of the run.</param>
    /// <param name="violation">What broke, when the result is false.</param>
    bool Check(Simulator simulator, bool final, out string? violation);
}
