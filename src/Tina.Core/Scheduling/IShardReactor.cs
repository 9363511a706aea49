namespace Tina.Scheduling;

/// <summary>
/// The I/O seam: one reactor per shard (io_uring, epoll, IOCP or simulated), created on the shard's own thread on its
/// first tick and driven only by it. Handlers never make syscalls: an I/O method on the context stages an operation
/// here and returns the Io effect; the shard suspends the isolate (WaitingForIo) until the reactor completes it.
/// </summary>
/// <remarks>
/// Every operation is named by (isolate handle, I/O sequence). The shard bumps the isolate's sequence on every
/// submission, timeout, cancellation and exit, and <see cref="Tina.Advanced.ReactorHost.CompleteIo{T}"/> accepts a completion only for the
/// current pair; anything else is stale, and the reactor then releases whatever the completion carries (a buffer, an
/// accepted socket) and counts it. That check is what makes abandoning an operation safe.
/// </remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public interface IShardReactor : System.IDisposable
{
    /// <summary>Tick step 2: deliver ready completions through <see cref="Tina.Advanced.ReactorHost.CompleteIo{T}"/>. Returns how many.</summary>
    int Collect();

    /// <summary>Tick step 4: submit the operations staged during dispatch, in one batch.</summary>
    void Flush();

    /// <summary>True when completions are ready now (the park re-check).</summary>
    bool HasCompletions();

    /// <summary>Parks the shard thread until a completion, a <see cref="Wake"/> or the timeout (ns; -1 = none).</summary>
    void Wait(long timeoutNanoseconds);

    /// <summary>Any thread: interrupts <see cref="Wait"/> (eventfd, MSG_RING, a posted completion).</summary>
    void Wake();

    /// <summary>
    /// The reactor's own next deadline on the shard's clock (ns), such as an accept's back-off, or
    /// <see cref="long.MaxValue"/> for none. the shard's park timeout takes it into account,
    /// so a parked shard and the simulator's clock jump both come back for it.
    /// </summary>
    long NextDeadlineNanoseconds => long.MaxValue;

    /// <summary>
    /// The operation (isolate, sequence) will not be waited for: the isolate exited, was cancelled, or its timeout
    /// fired. Cancel it in the backend. For <see cref="IoAbandonReason.Timeout"/> and
    /// <see cref="IoAbandonReason.Cancelled"/> the reactor completes it at once (through
    /// <see cref="Tina.Advanced.ReactorHost.CompleteIo{T}"/> with the new sequence) with a matching typed error.
    /// </summary>
    void Abandon(Handle isolate, uint sequence, uint newSequence, IoAbandonReason reason);

    /// <summary>The staged operation of the current invocation was not returned as the Io effect: drop it unsubmitted.</summary>
    void DropStaged(Handle isolate, uint sequence);

    /// <summary>
    /// The isolate is being torn down (after <see cref="Abandon"/> for an operation in flight): release what it owns
    /// in the reactor, such as the sockets it opened or accepted.
    /// </summary>
    void OnIsolateExit(Handle isolate)
    {
    }
}
