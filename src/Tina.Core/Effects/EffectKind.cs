namespace Tina;

/// <summary>What the scheduler does with an isolate after its handler returns.</summary>
public enum EffectKind : byte
{
    /// <summary>Wait for the next message.</summary>
    Receive = 0,
    /// <summary>Run again after the other runnable isolates, with a <see cref="MessageKind.Resume"/> message.</summary>
    Yield = 1,
    /// <summary>Suspend until the staged call's reply, failure or timeout arrives.</summary>
    Call = 2,
    /// <summary>A reply was sent to the current call; then wait for the next message.</summary>
    Reply = 3,
    /// <summary>Exit normally (outcome Ok).</summary>
    Done = 4,
    /// <summary>Exit with an error (outcome Error).</summary>
    Crash = 5,
    /// <summary>Suspend until the staged I/O operation completes (Tina.Io).</summary>
    Io = 6,
}
