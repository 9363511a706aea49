using System;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

// RS0030 (banned APIs) is off here: an outside call's deadline belongs to the calling thread and its timer, not to a
// shard; the shard side of a call times out on the shard's own clock.
#pragma warning disable RS0030

namespace Tina.Messaging;

/// <summary>
/// One call from outside the runtime: a pooled <see cref="IValueTaskSource{TResult}"/> that the callee's shard (reply
/// or failure), its timer (timeout) or its token (cancellation) completes, whichever comes first.
/// </summary>
/// <remarks>
/// State is one long, <c>generation &lt;&lt; 2 | phase</c> (phase 0 idle, 1 pending, 2 done): every completer
/// CAS-es from (its generation, pending) to (its generation, done), so exactly one wins and a completer that belongs
/// to an earlier use of the slot (a late reply, a timer or token callback already running when the call ended) fails
/// its CAS and does nothing. The winner writes the answer into the core and publishes it with
/// <c>SetResult</c> (the core's own release/acquire pair orders it before the awaiter's <see cref="GetResult"/>);
/// continuations run on the thread pool, never on the shard thread. The awaiter's <see cref="GetResult"/> returns the
/// slot to its table, and only then may the slot be rented again.
/// </remarks>
internal sealed class OutsideCall : IValueTaskSource<CallAnswer>
{
    private const long PhaseMask = 3;
    private const long Pending = 1;
    private const long Done = 2;

    private readonly OutsideCalls _owner;
    private ManualResetValueTaskSourceCore<CallAnswer> _core;
    private long _state;
    private ITimer? _timer;
    private CancellationTokenRegistration _cancellation;

    // The current call's deadline (Stopwatch timestamp) and token, written by the renting thread in Arm before the
    // call is posted. A timer or token callback checks them for the generation it read, so a callback of an earlier
    // use of the slot that runs late finds the current call's deadline not reached or its token not cancelled and does
    // nothing.
    private long _deadline;
    private CancellationToken _token;

    // Written by the renting thread in Begin before the call is posted; read by completers (the envelope's
    // publication through the inbox orders it for the shard; the timer and token are armed after it).
    private uint _generation;

    public OutsideCall(OutsideCalls owner, int index)
    {
        _owner = owner;
        Index = index;
        _core.RunContinuationsAsynchronously = true;
    }

    public int Index { get; }

    public uint Generation => _generation;

    public short Token => _core.Version;

    /// <summary>Prepares the slot for a new call (renting thread, slot idle).</summary>
    public void Begin()
    {
        _generation = Handle.NextGeneration(_generation);
        _core.Reset();
        Volatile.Write(ref _state, ((long)_generation << 2) | Pending);
    }

    /// <summary>Arms the timeout and the token (renting thread, after Begin).</summary>
    public void Arm(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _timer ??= TimeProvider.System.CreateTimer(static state => ((OutsideCall)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Volatile.Write(ref _deadline, System.Diagnostics.Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency));
        _token = cancellationToken;
        _timer.Change(timeout, Timeout.InfiniteTimeSpan);
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static state => ((OutsideCall)state!).OnCancelled(), this);
        }
    }

    /// <summary>Ends the call if it is still this generation's and pending; false when another completer won.</summary>
    public bool TryFinish(uint generation, CallStatus status, in Message reply)
    {
        long pending = ((long)generation << 2) | Pending;
        if (Interlocked.CompareExchange(ref _state, ((long)generation << 2) | Done, pending) != pending)
        {
            return false;
        }

        _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _cancellation.Unregister();
        _cancellation = default;
        _core.SetResult(new CallAnswer(status, in reply));
        return true;
    }

    public CallAnswer GetResult(short token)
    {
        CallAnswer answer = _core.GetResult(token);
        Volatile.Write(ref _state, (long)_generation << 2); // idle
        _owner.Return(this);
        return answer;
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void OnTimer()
    {
        long state = Volatile.Read(ref _state);
        if ((state & PhaseMask) != Pending)
        {
            return;
        }

        // The timer's clock is coarser than Stopwatch and may fire a little early; a late callback of an earlier call
        // finds the current call's deadline ahead. Either way: arm again for what is left (that is the current call's
        // deadline, so a stale callback only re-arms what was already armed).
        long remaining = Volatile.Read(ref _deadline) - System.Diagnostics.Stopwatch.GetTimestamp();
        if (remaining > 0)
        {
            _timer!.Change(TimeSpan.FromSeconds((double)remaining / System.Diagnostics.Stopwatch.Frequency) + TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
            return;
        }

        if (TryFinish((uint)(state >> 2), CallStatus.Timeout, default))
        {
            _owner.CountTimedOut();
        }
    }

    private void OnCancelled()
    {
        long state = Volatile.Read(ref _state);
        if ((state & PhaseMask) == Pending && _token.IsCancellationRequested
            && TryFinish((uint)(state >> 2), CallStatus.Cancelled, default))
        {
            _owner.CountCancelled();
        }
    }
}
