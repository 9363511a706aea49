namespace Tina.Io.Reactor;

/// <summary>Where one outstanding operation of an isolate is.</summary>
internal enum IoOpSlotState : byte
{
    /// <summary>None: the lane is free for the isolate's next operation of that kind.</summary>
    Free = 0,
    /// <summary>Staged this tick (or waiting for its connection lane), not submitted yet.</summary>
    Staged = 1,
    /// <summary>Submitted, waiting on an arm or a timer: its completion is still to come.</summary>
    InFlight = 2,
    /// <summary>Completed while the isolate was not waiting; delivered when it next waits for I/O.</summary>
    Ready = 3,
}
