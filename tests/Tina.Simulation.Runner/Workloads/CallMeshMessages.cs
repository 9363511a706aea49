namespace Tina.Simulation.Workloads;

/// <summary>What a responder does with an <see cref="Ask"/>.</summary>
internal enum AskMode
{
    /// <summary>Reply at once.</summary>
    Reply = 0,
    /// <summary>Fail the call explicitly.</summary>
    Fail = 1,
    /// <summary>Return without replying (the caller gets NoReply).</summary>
    Ignore = 2,
    /// <summary>Defer, then reply after the delay (possibly after the caller's timeout: a late reply).</summary>
    Defer = 3,
    /// <summary>Defer, then fail after the delay.</summary>
    DeferFail = 4,
    /// <summary>Crash (owed calls fail with NoReply; later calls to it fail fast with StaleHandle).</summary>
    Crash = 5,
}

/// <summary>A caller's request.</summary>
internal readonly record struct Ask(int Sequence, AskMode Mode, int DelayMilliseconds);

/// <summary>A responder's reply.</summary>
internal readonly record struct Answer(int Sequence);

/// <summary>A one-way message callers send beside their calls.</summary>
internal readonly record struct Note(int Sequence);

/// <summary>Start of a caller: its seed, how many calls to make, and up to eight responders.</summary>
internal readonly record struct CallerStart(
    ulong Seed, int Calls, int ResponderCount, ulong R0, ulong R1, ulong R2, ulong R3, ulong R4, ulong R5, ulong R6, ulong R7);

/// <summary>Start of a responder spawned to replace a dead one: which entry of its spawner's table it fills.</summary>
internal readonly record struct ResponderStart(int Index);

/// <summary>A replacement responder tells its spawner its handle (the message's source).</summary>
internal readonly record struct CheckIn(int Index);
