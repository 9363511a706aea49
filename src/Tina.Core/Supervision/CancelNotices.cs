using System;

namespace Tina.Supervision;

/// <summary>
/// The notices a cancelled isolate is handed before any other mail: a Cancel (from <c>ctx.Cancel</c> or
/// <c>ctx.CancelGroup</c>) or a Shutdown (shutdown phase 1), each carrying the reason code and the drain budget the
/// isolate has left, and the budget each kind arms on the wheel.
/// </summary>
/// <remarks>
/// <para>Invariants. A Cancel's budget is the spec's <see cref="TinaSpec.CancelDrainBudget"/> (fixed at boot); a
/// Shutdown's is the one <see cref="ShutdownSequence"/> was given with phase 1 (its explicit dependency: read, never
/// written here). The notice is one reused message, valid until the next <see cref="Build"/>: the dispatcher hands
/// it to the handler at once and never keeps it.</para>
/// <para>Threads. Shard-thread only.</para>
/// </remarks>
internal sealed class CancelNotices
{
    private readonly long _drainTicks;            // CancelDrainBudget in wheel ticks
    private readonly long _resolutionNanoseconds; // one wheel tick
    private readonly ShutdownSequence _shutdown;
    private Message _notice;                      // the message handed to an isolate with a pending notice

    public CancelNotices(long drainTicks, long resolutionNanoseconds, ShutdownSequence shutdown)
    {
        _drainTicks = drainTicks;
        _resolutionNanoseconds = resolutionNanoseconds;
        _shutdown = shutdown;
    }

    /// <summary>The drain budget (wheel ticks) a cancellation arms: the shutdown's, or the spec's CancelDrainBudget.</summary>
    public long BudgetTicks(bool shutdown) => shutdown ? _shutdown.BudgetTicks : _drainTicks;

    /// <summary>The notice for <paramref name="self"/>: what (Cancel or Shutdown), why, and how long it has left.</summary>
    public ref Message Build(Handle self, int reason, bool shutdown)
    {
        _notice.SetHeader(self, Handle.None, shutdown ? MessageKind.Shutdown : MessageKind.Cancel, 0);
        long budget = BudgetTicks(shutdown);
        _notice.SetPayload(new CancelReason(reason, TimeSpan.FromTicks(budget * _resolutionNanoseconds / 100)));
        return ref _notice;
    }
}
