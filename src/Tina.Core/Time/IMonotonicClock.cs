namespace Tina.Time;

/// <summary>
/// The runtime's only source of time: monotonic nanoseconds from an arbitrary origin. Production reads the OS
/// clock; the simulator substitutes a clock that moves only when it says so.
/// </summary>
internal interface IMonotonicClock
{
    long NowNanoseconds { get; }
}
