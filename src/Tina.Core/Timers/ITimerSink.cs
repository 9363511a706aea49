namespace Tina.Timers;

/// <summary>Receives firings from <see cref="TimerWheel.Advance{TSink}"/>; a struct, so the call is direct.</summary>
internal interface ITimerSink
{
    /// <summary>The list head of the timer's owner (a dummy local when the owner is gone).</summary>
    ref int OwnerHead(Handle owner);

    /// <summary>Handles one fired timer; its entry is already free.</summary>
    void Fire(in TimerEntry entry);
}
