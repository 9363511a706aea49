namespace Tina.Simulation;

/// <summary>How a simulation run ended.</summary>
internal enum SimulationEnd : byte
{
    /// <summary>Nothing left to do (no runnable isolate, message in flight, timer or component event) and the work complete.</summary>
    Quiescent = 0,
    /// <summary>A checker failed; see <see cref="SimulationResult.Checker"/>.</summary>
    Violation = 1,
}
