namespace Tina;

/// <summary>How an isolate ended.</summary>
public enum ExitOutcome : byte
{
    /// <summary>The handler returned <see cref="Effect.Done"/>.</summary>
    Ok = 0,
    /// <summary>The handler returned <see cref="Effect.Crash"/>.</summary>
    Error = 1,
    /// <summary>The isolate was cancelled (by its supervisor or by shutdown).</summary>
    Cancelled = 2,
    /// <summary>The handler threw an exception.</summary>
    Panicked = 3,
}
