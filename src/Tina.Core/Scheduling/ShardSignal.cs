using System.Threading;

namespace Tina.Scheduling;

/// <summary>
/// Park and wake for one shard thread. The sleeper pays for the fence, so senders stay fence-free.
/// </summary>
/// <remarks>
/// Protocol (asymmetric Dekker, as in Seastar):
/// sleeper: <c>_sleeping = 1</c>; <c>Interlocked.MemoryBarrierProcessWide()</c>; re-check every inbound source;
/// wait only if all are empty.
/// waker: publish (release store of a ring tail); read <c>_sleeping</c>; if 1, set the event once
/// (<c>_wakePending</c> stops duplicate syscalls).
/// The process-wide barrier makes every other CPU serialise: either the waker's tail store is visible to the
/// sleeper's re-check, or the waker's read of <c>_sleeping</c> happens after the barrier and sees 1. No wake-up is
/// lost. <c>_sleeping</c> and <c>_wakePending</c> are written by the sleeper (reset) and the waker (set), with
/// interlocked or volatile access as marked.
/// </remarks>
internal sealed class ShardSignal : System.IDisposable
{
    private readonly ManualResetEventSlim _event = new(false, spinCount: 1);
    private int _sleeping;     // 1 while the shard is in (or about to enter) its wait; sleeper writes, wakers read
    private int _wakePending;  // 1 once a waker has set the event for this sleep; both sides write (interlocked)
    private IShardReactor? _wakeTarget; // when set, the shard parks in its reactor and is woken through it

    /// <summary>Sleeper, before its first park: route wakes to the reactor the shard will park in.</summary>
    public void SetWakeTarget(IShardReactor reactor) => Volatile.Write(ref _wakeTarget, reactor);

    /// <summary>The reactor the shard parks in, if any.</summary>
    public IShardReactor? WakeTarget => Volatile.Read(ref _wakeTarget);

    /// <summary>Sleeper: announce the intent to sleep. Re-check every source after this returns.</summary>
    public void PrepareToPark()
    {
        Volatile.Write(ref _wakePending, 0);
        _event.Reset();
        Volatile.Write(ref _sleeping, 1);
        Interlocked.MemoryBarrierProcessWide();
    }

    /// <summary>Sleeper: block until woken or until the timeout (milliseconds, -1 = none).</summary>
    public void Wait(int timeoutMilliseconds) => _event.Wait(timeoutMilliseconds);

    /// <summary>Sleeper: done sleeping (woken, timed out, or found work on the re-check).</summary>
    public void EndPark() => Volatile.Write(ref _sleeping, 0);

    /// <summary>Waker: wake the shard if it sleeps. Call after publishing the work it should see.</summary>
    public void Wake()
    {
        if (Volatile.Read(ref _sleeping) != 0 && Interlocked.Exchange(ref _wakePending, 1) == 0)
        {
            SetEvent();
        }
    }

    private void SetEvent()
    {
        IShardReactor? reactor = Volatile.Read(ref _wakeTarget);
        if (reactor is not null)
        {
            reactor.Wake();
        }
        else
        {
            _event.Set();
        }
    }

    /// <summary>Any thread: wake unconditionally (stop requests).</summary>
    public void ForceWake()
    {
        Interlocked.Exchange(ref _wakePending, 1);
        SetEvent();
    }

    public void Dispose() => _event.Dispose();

    /// <summary>True while the shard is parked or about to park (diagnostics and tests).</summary>
    public bool IsSleeping => Volatile.Read(ref _sleeping) != 0;
}
