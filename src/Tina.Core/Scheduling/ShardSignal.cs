using System.Threading;

namespace Tina.Scheduling;

/// <summary>
/// Park and wake for one shard thread. The sleeper pays for the fence, so senders stay fence-free.
/// </summary>
/// <remarks>
/// <para><b>Fields.</b> <c>_sleeping</c>: written by the sleeper only (1 in <see cref="PrepareToPark"/>, 0 in
/// <see cref="EndPark"/>), read by wakers. <c>_wakePending</c>: cleared by the sleeper in <see cref="PrepareToPark"/>,
/// set by wakers with <c>Interlocked.Exchange</c> (the one that turns it 0 → 1 sets the event; the rest skip the
/// syscall). <c>_forcedWake</c>: set by <see cref="ForceWake"/>, consumed by the sleeper after the barrier. The event
/// is reset by the sleeper and set by wakers.</para>
/// <para><b>The event</b> is a flag (<c>_eventSet</c>) and a monitor on <c>_gate</c>, not a
/// <c>ManualResetEventSlim</c>: that one creates its lock object on its first blocking wait, so each shard allocated
/// 24 B the first time it parked (a process-wide allocation test caught it when a park landed in its window). The
/// gate is allocated with the signal, and a monitor wait and pulse allocate nothing on the managed heap (the sync
/// block is native). Set: under the gate, store 1 and pulse. Reset: the sleeper stores 0 (no lock: wakers only ever
/// store 1, and the orderings below decide which of a racing Set and Reset wins, as they did with the old event).
/// Wait: under the gate, return at once if 1, else one monitor wait; a Set takes the gate, so it either lands before
/// the check (seen) or pulses the waiting sleeper (woken).</para>
/// <para><b>Sleeper</b> (<see cref="PrepareToPark"/>, then the caller's re-check, then the wait), in this order:
/// (1) reset the event (<c>_eventSet = 0</c>); (2) <c>_wakePending = 0</c> (release); (3) <c>_sleeping = 1</c> (release);
/// (4) <c>Interlocked.MemoryBarrierProcessWide()</c>; (5) a <see cref="ForceWake"/> seen in <c>_forcedWake</c>
/// re-arms the wake; then the caller re-checks every inbound source, the shutdown phase and the stop request, and
/// waits only if all are empty. <b>Waker</b> (<see cref="Wake"/>): publish the work (release store of a ring tail),
/// read <c>_sleeping</c>; if 1, <c>Exchange(_wakePending, 1)</c>; if that returned 0, set the event.</para>
/// <para><b>Why each ordering.</b> (4) is the asymmetric Dekker handshake (as in Seastar): the barrier makes every
/// other CPU serialise, so either a waker's publish is visible to the re-check, or the waker's read of
/// <c>_sleeping</c> comes after the barrier and sees 1. (2) before (3): otherwise a waker could see
/// <c>_sleeping = 1</c>, find <c>_wakePending</c> still 1 from the previous park and skip its Set, and then the clear
/// would come too late: lost. (1) before (2): a waker that read <c>_sleeping = 1</c> during the previous park may run
/// its Exchange and Set at any moment of this one. If the clear came first, its Exchange could take the fresh 0 and
/// its Set land before the Reset, leaving <c>_wakePending = 1</c> with the event clear, and every wake of this sleep
/// would be suppressed (its own work was consumed by an earlier tick, so the re-check does not save it). With the
/// Reset first, a waker that reads the cleared 0 synchronises with the release in (2), so its Set follows the Reset;
/// a stale Set before the Reset is erased but it also finds <c>_wakePending</c> about to be cleared, so the next
/// waker sets the event. The cost is at most one spurious wake.</para>
/// <para><b>Forced wakes</b> (stop, shutdown) are unconditional and must never be lost, even when they land before
/// (1) and the Reset erases their Set (the shard's last tick read the old phase, and the wake arrives before the park).
/// <see cref="ForceWake"/> stores <c>_forcedWake = 1</c> with a full fence before its Set; (5) reads it after the
/// barrier: either the flag is seen and the wake re-armed, or the waker's Set comes after the Reset. The runner's
/// re-check also reads the stop request and the shutdown phase after the barrier (both are stored before the
/// ForceWake), so it does not wait even when the wake was erased.</para>
/// <para><b>The reactor path.</b> With a wake target the shard waits in <see cref="IShardReactor.Wait"/> and
/// wakes go to <see cref="IShardReactor.Wake"/>; the event is unused. The same invariant holds there because a
/// reactor wake is sticky: the eventfd counter, the io_uring wake CQE and the IOCP wake packet stay pending until a
/// wait (or the tick's Collect, which runs before the next re-check) consumes them, and nothing discards them before
/// the wait. So a stale wake is a spurious return, never a loss, and the orderings above that protect the event
/// (1, 2) still protect <c>_wakePending</c> (2 before 3). A reactor must keep that property: a wake consumed outside
/// its wait must be consumed before the shard's next re-check, as the io_uring backend does.</para>
/// </remarks>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit)]
internal sealed class ShardSignal : System.IDisposable
{
    // Layout: every peer reads _sleeping after each publish (Wake), so the fields sit 128 bytes into the object with
    // 128 bytes after them: no neighbouring heap object's fields (written by some shard every tick) can share their
    // lines or the adjacent-line pair, and a publish costs no cross-core transfer while the shard runs. The fields
    // themselves are written only around a park and by wakers of a parked shard.
    [System.Runtime.InteropServices.FieldOffset(Memory.CacheLine.PaddedSize)]
    private readonly object _gate = new(); // the event's monitor, allocated here so no park allocates
    [System.Runtime.InteropServices.FieldOffset(Memory.CacheLine.PaddedSize + 8)]
    private IShardReactor? _wakeTarget; // when set, the shard parks in its reactor and is woken through it
    [System.Runtime.InteropServices.FieldOffset(Memory.CacheLine.PaddedSize + 16)]
    private System.Action<int>? _parkHook; // tests only: null in production (see ParkHook)
    [System.Runtime.InteropServices.FieldOffset(Memory.CacheLine.PaddedSize + 24)]
    private int _eventSet;     // the event: 1 = set. Wakers store 1 under _gate and pulse; the sleeper stores 0
    [System.Runtime.InteropServices.FieldOffset(Memory.CacheLine.PaddedSize + 28)]
    private int _sleeping;     // 1 while the shard is in (or about to enter) its wait; sleeper writes, wakers read
    [System.Runtime.InteropServices.FieldOffset(Memory.CacheLine.PaddedSize + 32)]
    private int _wakePending;  // 1 once a waker has set the event for this sleep; sleeper clears, wakers set (interlocked)
    [System.Runtime.InteropServices.FieldOffset(Memory.CacheLine.PaddedSize + 36)]
    private int _forcedWake;   // 1 from a ForceWake until the sleeper's next park consumes it (interlocked)

    // The CLR ignores StructLayout.Size on a class: this keeps 128 bytes after the fields above. Never read.
    [System.Runtime.InteropServices.FieldOffset((2 * Memory.CacheLine.PaddedSize) + 40)]
    private readonly long _endPadding;

    /// <summary>
    /// Test seam: when set, <see cref="PrepareToPark"/> calls it with the number of its steps done so far (0 on entry,
    /// 1 after the Reset, 2 after <c>_wakePending = 0</c>, 3 after <c>_sleeping = 1</c>, 4 after the barrier), so a
    /// test can land a waker exactly between two steps. Null in production: the cost is a null check of a local on the
    /// park path only, never on the send path.
    /// </summary>
    internal System.Action<int>? ParkHook
    {
        get => Volatile.Read(ref _parkHook);
        set => Volatile.Write(ref _parkHook, value);
    }

    /// <summary>Tests: true while the event is set (a wake is pending for the event wait).</summary>
    internal bool IsEventSet => Volatile.Read(ref _eventSet) != 0;

    /// <summary>Sleeper, before its first park: route wakes to the reactor the shard will park in.</summary>
    public void SetWakeTarget(IShardReactor reactor) => Volatile.Write(ref _wakeTarget, reactor);

    /// <summary>The reactor the shard parks in, if any.</summary>
    public IShardReactor? WakeTarget => Volatile.Read(ref _wakeTarget);

    /// <summary>
    /// Sleeper: announce the intent to sleep (steps 1–5 of the protocol in the remarks). Re-check every source, the
    /// shutdown phase and the stop request after this returns.
    /// </summary>
    public void PrepareToPark()
    {
        System.Action<int>? hook = Volatile.Read(ref _parkHook);
        hook?.Invoke(0);
        Volatile.Write(ref _eventSet, 0);        // (1) first: a stale waker's Set is either erased here or follows it
        hook?.Invoke(1);
        Volatile.Write(ref _wakePending, 0);     // (2) release: a waker that reads this 0 sets the event after (1)
        hook?.Invoke(2);
        Volatile.Write(ref _sleeping, 1);        // (3) after (2): a waker that sees 1 finds _wakePending cleared
        hook?.Invoke(3);
        Interlocked.MemoryBarrierProcessWide();  // (4) the Dekker fence: the re-check sees every publish before it
        hook?.Invoke(4);

        // (5) A ForceWake whose Set the Reset may have erased: re-arm the wake. Its flag store precedes its Set with
        // a full fence, so if the Set came before (1), the flag is visible after (4).
        if (Volatile.Read(ref _forcedWake) != 0 && Interlocked.Exchange(ref _forcedWake, 0) != 0)
        {
            Interlocked.Exchange(ref _wakePending, 1);
            SetEvent();
        }
    }

    /// <summary>Sleeper: block until woken or until the timeout (milliseconds, -1 = none). True when woken.</summary>
    public bool Wait(int timeoutMilliseconds)
    {
        if (Volatile.Read(ref _eventSet) != 0)
        {
            return true;
        }

        // RS0030 bans locks in shard code because shard state is owned by one thread; this is the park itself,
        // where the shard thread blocks on purpose until a waker (another thread) pulses it.
#pragma warning disable RS0030
        lock (_gate)
        {
            if (_eventSet == 0 && timeoutMilliseconds != 0)
            {
                // One wait: a pulse comes only after a Set's store (under the gate), and a timeout or a rare early
                // return just ends the park; the runner ticks and parks again if nothing is due.
                Monitor.Wait(_gate, timeoutMilliseconds);
            }

            return _eventSet != 0;
        }
#pragma warning restore RS0030
    }

    /// <summary>Sleeper: done sleeping (woken, timed out, or found work on the re-check).</summary>
    public void EndPark() => Volatile.Write(ref _sleeping, 0);

    /// <summary>Waker: wake the shard if it sleeps. Call after publishing the work it should see.</summary>
    public void Wake()
    {
        if (Volatile.Read(ref _sleeping) != 0)
        {
            WakeSleeper();
        }
    }

    /// <summary>
    /// Waker, the second half of <see cref="Wake"/>, once it has read <c>_sleeping = 1</c>: set the event unless
    /// another waker already did for this sleep. Internal so a test can replay a waker that read <c>_sleeping</c>
    /// during an earlier park and lands here during the next <see cref="PrepareToPark"/>.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal void WakeSleeper()
    {
        if (Interlocked.Exchange(ref _wakePending, 1) == 0)
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
#pragma warning disable RS0030 // a waker (never the sleeping shard's own thread) takes the park gate to pulse it
            lock (_gate)
            {
                Volatile.Write(ref _eventSet, 1);
                Monitor.PulseAll(_gate);
            }
#pragma warning restore RS0030
        }
    }

    /// <summary>
    /// Any thread: wake unconditionally (stop requests, shutdown phases). Never lost: if the shard is on its way to
    /// park, its next <see cref="PrepareToPark"/> keeps the wake armed. Store the reason (stop flag, phase) first.
    /// </summary>
    public void ForceWake()
    {
        Interlocked.Exchange(ref _forcedWake, 1); // full fence: visible before the Set below (see step 5)
        Interlocked.Exchange(ref _wakePending, 1);
        SetEvent();
    }

    /// <summary>Nothing to release since the event is a monitor (kept so the runtime's teardown stays unchanged).</summary>
    public void Dispose()
    {
    }

    /// <summary>True while the shard is parked or about to park (diagnostics and tests).</summary>
    public bool IsSleeping => Volatile.Read(ref _sleeping) != 0;
}
