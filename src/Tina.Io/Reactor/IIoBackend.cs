using System;

namespace Tina.Io.Reactor;

/// <summary>
/// The syscall layer under a shard's reactor: io_uring, epoll (emulating completions), IOCP, or the simulator.
/// Completion-based for all of them: <see cref="Submit"/> takes a batch, <see cref="Collect"/> returns finished
/// operations by token. Driven only by its shard's thread, except <see cref="Wake"/>.
/// </summary>
internal interface IIoBackend : IDisposable
{
    /// <summary>Backend name for logs: "io_uring", "epoll", "iocp", "simulated".</summary>
    string Name { get; }

    /// <summary>What the backend runs with (setup flags, probed opcodes, multishot...), for the boot log.</summary>
    string Features { get; }

    /// <summary>Queues a batch; returns how many were accepted (the rest stay with the reactor for the next tick).</summary>
    int Submit(ReadOnlySpan<IoSubmission> batch);

    /// <summary>Pushes queued submissions to the kernel (one syscall per tick for io_uring).</summary>
    void Flush();

    /// <summary>Copies finished operations into <paramref name="completions"/> without blocking; returns the count.</summary>
    int Collect(Span<IoCompletionEntry> completions);

    /// <summary>True when <see cref="Collect"/> would return something now.</summary>
    bool HasCompletions();

    /// <summary>Blocks until a completion, a <see cref="Wake"/>, or the timeout (ns; -1 = none).</summary>
    void Wait(long timeoutNanoseconds);

    /// <summary>Any thread: interrupts <see cref="Wait"/>.</summary>
    void Wake();

    // ---- Optional members: defaults describe a backend without the feature. ----

    /// <summary>Which optional operations this backend runs natively (fixed after creation).</summary>
    IoBackendCapabilities Capabilities => IoBackendCapabilities.None;

    /// <summary>Bytes in each provided receive buffer (<see cref="IoOpCode.ReceiveMultishot"/>); 0 when there are none.</summary>
    int ProvidedBufferSize => 0;

    /// <summary>How many provided receive buffers the backend owns; 0 when there are none.</summary>
    int ProvidedBufferCount => 0;

    /// <summary>
    /// The first <paramref name="length"/> bytes of provided buffer <paramref name="bufferId"/>, which a completion with
    /// <see cref="IoCompletionFlags.BufferSelected"/> handed to the reactor. Valid until the buffer is returned.
    /// </summary>
    ReadOnlySpan<byte> GetProvidedBuffer(ushort bufferId, int length) =>
        throw new NotSupportedException("This backend has no provided buffers.");

    /// <summary>
    /// Gives a provided buffer back to the backend (the kernel may fill it again). Batched: io_uring publishes every
    /// buffer returned during a tick with one store at the next <see cref="Flush"/> or <see cref="Wait"/>.
    /// </summary>
    void ReturnProvidedBuffer(ushort bufferId) =>
        throw new NotSupportedException("This backend has no provided buffers.");

    /// <summary>
    /// Shard thread: queues a wake of <paramref name="target"/> (another shard's backend) into this backend's next
    /// <see cref="Flush"/>, with no syscall of its own (io_uring: an IORING_OP_MSG_RING submission). Returns false when
    /// this backend cannot reach the target that way; then call <c>target.Wake()</c>.
    /// </summary>
    bool TryQueueWake(IIoBackend target) => false;

    /// <summary>
    /// With <see cref="IoBackendCapabilities.ReceiveBufferOnReadiness"/>: the pool a receive submitted without a buffer
    /// takes one from when bytes are there. Called once, by the reactor's constructor.
    /// </summary>
    void AttachReceiveBuffers(IReceiveBufferSource source)
    {
    }

    /// <summary>
    /// Times the kernel reported that it dropped completions (io_uring: EBADR from io_uring_enter). Each new one makes
    /// the reactor resync: it cancels every operation it has in flight by token, and one whose cancel finds nothing
    /// (ENOENT) lost its completion. Backends that cannot lose completions report 0.
    /// </summary>
    long CompletionLossEvents => 0;

    /// <summary>The reactor declared one operation's final completion lost (it will never be reaped).</summary>
    void ForgetLostOperation()
    {
    }
}
