namespace Tina;

/// <summary>The payload of <see cref="MessageKind.Cancel"/> and <see cref="MessageKind.Shutdown"/> messages.</summary>
/// <param name="Code">The canceller's reason code (0 for shutdown).</param>
/// <param name="DrainBudget">Time left to finish or hand off work before the isolate is torn down.</param>
public readonly record struct CancelReason(int Code, System.TimeSpan DrainBudget);
