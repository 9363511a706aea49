namespace Tina;

/// <summary>
/// The payload of a <see cref="MessageKind.Down"/> message: a watched isolate exited (or was already gone when the
/// watch was set).
/// </summary>
/// <param name="Target">The watched handle.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Reason">The application reason code (Crash) or 0.</param>
/// <param name="WasStale">True when the handle was already stale when the watch arrived (OTP's noproc).</param>
public readonly record struct Down(Handle Target, ExitOutcome Outcome, int Reason, bool WasStale)
{
    /// <summary>
    /// True when the watch could not be registered (the target's shard's watch table is full): the target may well
    /// still be running, but this watcher will not be told when it exits. <see cref="Outcome"/> is Cancelled and
    /// means nothing then. Only remote watches are refused this way; a local one is refused by
    /// <see cref="Context.Watch(Handle)"/> returning false.
    /// </summary>
    public bool Refused { get; init; }
}
