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
}
