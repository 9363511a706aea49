namespace Tina.Timers;

/// <summary>Why a timer entry exists.</summary>
internal enum TimerKind : byte
{
    Free = 0,
    /// <summary>Registered by an isolate; fires as a <see cref="MessageKind.Timer"/> message.</summary>
    User = 1,
    /// <summary>The timeout of an isolate's outstanding call.</summary>
    CallTimeout = 2,
    /// <summary>The end of a cancelled isolate's drain budget.</summary>
    CancelDeadline = 3,
    /// <summary>The timeout of an isolate's I/O operation.</summary>
    IoTimeout = 4,
}
