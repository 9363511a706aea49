using System;
using System.ComponentModel;
using Tina.Isolates;
using Tina.Scheduling;

namespace Tina.Advanced;

/// <summary>
/// A runtime that is never started: no shard thread, no pinning, no watchdog. Its shards run only when the caller
/// steps them (<see cref="RunRound()"/>), on the caller's thread, and read time from a <see cref="TimeProvider"/> the
/// caller controls (a manual one, or <c>FakeTimeProvider</c> from Microsoft.Extensions.TimeProvider.Testing), so a run
/// is a pure function of the spec, the steps and the time readings.
/// </summary>
/// <remarks>
/// <para>The hook under <c>Tina.Testing</c>'s <c>IsolateTestKit</c> and simulator; not for production code (hidden
/// from completion). Everything else is the real runtime: capacities, call timeouts, replies, crashes, supervision.
/// Time is read once at the start of every shard tick, so moving the clock between rounds behaves like time passing
/// between two ticks of a running shard: a timer fires on the first tick at or after its deadline.</para>
/// <para>Single thread: every member must be called from the thread that drives the rounds, never from a handler.
/// <see cref="TinaRuntime.Start"/> on <see cref="Runtime"/> throws. Dispose releases the runtime.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class DeterministicRuntime : IDisposable
{
    private readonly TinaRuntime _runtime;

    /// <summary>
    /// Validates and builds <paramref name="spec"/> with <paramref name="time"/> as its clock, never to be started.
    /// The spec's <see cref="TinaSpec.PinThreads"/> is turned off (no thread to pin).
    /// </summary>
    /// <param name="spec">The boot spec (mutated: pinning off).</param>
    /// <param name="time">The clock: the runtime's zero is its timestamp now.</param>
    public DeterministicRuntime(TinaSpec spec, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(time);
        spec.PinThreads = false;
        spec.Clock = new TimeProviderClock(time);
        _runtime = TinaRuntime.Create(spec);
        _runtime.IsDriven = true;
        Time = time;
    }

    /// <summary>The runtime: spawn its roots, send from outside, read counters and health. Never start it.</summary>
    public TinaRuntime Runtime => _runtime;

    /// <summary>The clock the shards read.</summary>
    public TimeProvider Time { get; }

    /// <summary>
    /// Sees every dispatch, effect, spawn and exit from now on (null: none). One observer at a time; setting it
    /// replaces the previous one.
    /// </summary>
    public IDeterministicObserver? Observer
    {
        get => (_runtime.Observer as DeterministicObserverAdapter)?.Target;
        set => _runtime.Observer = value is null ? null : new DeterministicObserverAdapter(value);
    }

    /// <summary>
    /// Runs one tick of every shard, in shard order, on the calling thread. True when any shard did work or has work
    /// left; false means nothing more happens until time moves (see <see cref="HasPendingWork"/>).
    /// </summary>
    public bool RunRound() => _runtime.RunRound();

    /// <summary>
    /// Runs one tick of each shard named in <paramref name="order"/>, in that order (a simulator's shuffled order).
    /// </summary>
    /// <param name="order">Shard indices; each in [0, ShardCount).</param>
    /// <returns>True when any shard ticked did work or has work left.</returns>
    public bool RunRound(ReadOnlySpan<int> order)
    {
        foreach (int shard in order)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(shard, nameof(order));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, _runtime.ShardCount, nameof(order));
        }

        return order.IsEmpty ? false : _runtime.RunRound(order);
    }

    /// <summary>True when some shard has work it can do at the current time (mail, inbound rings, a due timer...).</summary>
    public bool HasPendingWork
    {
        get
        {
            for (int i = 0; i < _runtime.ShardCount; i++)
            {
                if (_runtime.ShardAt(i).HasPendingWork())
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// How long until the earliest deadline of any shard (a timer, a call timeout, a reactor back-off), rounded up to
    /// a whole <see cref="TimeSpan"/> tick so moving the clock by it always reaches the deadline; null when none is
    /// pending. Zero when one is already due.
    /// </summary>
    public TimeSpan? TimeUntilNextDeadline
    {
        get
        {
            long earliest = -1;
            for (int i = 0; i < _runtime.ShardCount; i++)
            {
                long until = _runtime.ShardAt(i).NanosecondsUntilNextDeadline();
                if (until >= 0 && (earliest < 0 || until < earliest))
                {
                    earliest = until;
                }
            }

            return earliest < 0 ? null : TimeSpan.FromTicks((earliest + 99) / 100);
        }
    }

    /// <summary>
    /// Puts a user message straight into <paramref name="target"/>'s mailbox as if <paramref name="source"/> had sent
    /// it from the target's own shard (no external inbox): the result is the send's own (<see cref="SendResult.MailboxFull"/>,
    /// <see cref="SendResult.StaleHandle"/>, ...). A non-zero <paramref name="tag"/> marks the envelope, and
    /// <see cref="TagOf"/> reads it back when the message is dispatched, so a kit can tell which invocation handled it.
    /// </summary>
    /// <typeparam name="T">The payload type.</typeparam>
    /// <param name="source">The handle the receiver sees as the source (it may answer it), or <see cref="Handle.None"/>.</param>
    /// <param name="target">The receiver, an isolate of this runtime.</param>
    /// <param name="message">The payload.</param>
    /// <param name="tag">A marker carried to the dispatch, or 0 for none.</param>
    public SendResult Send<T>(Handle source, Handle target, in T message, uint tag = 0)
        where T : unmanaged
    {
        if ((uint)target.Shard >= (uint)_runtime.ShardCount || target.IsNone)
        {
            return SendResult.StaleHandle;
        }

        Shard shard = _runtime.ShardAt(target.Shard);
        SendResult result = shard.Send(source, target, in message, MessageKind.User, 0);
        if (result == SendResult.Ok && tag != 0)
        {
            // A local user send appends to the target's mailbox ring, so the newest entry is this message.
            IsolateTable table = shard.TypeTable(target.Type);
            ref IsolateMeta meta = ref table.Meta[target.Slot];
            int newest = (meta.MailboxHead + meta.MailboxCount - 1) & table.MailboxMask;
            int poolIndex = table.MailboxRing[(target.Slot * table.MailboxRingSize) + newest];
            shard.Pool.Slots[poolIndex].Auxiliary = tag;
        }

        return result;
    }

    /// <summary>The tag a <see cref="Send{T}"/> put on a user message, or 0 (any other message, or none given).</summary>
    /// <param name="message">A message seen by <see cref="IDeterministicObserver.OnDispatch"/>.</param>
    public static uint TagOf(in Message message) => message.Kind == MessageKind.User ? message.Auxiliary : 0;

    /// <summary>
    /// The live instance of <paramref name="isolate"/>, by reference (for a struct isolate, the value in its slot), to
    /// read or set its state between rounds. Throws <see cref="InvalidOperationException"/> when the isolate is not
    /// alive, <see cref="ArgumentException"/> when it is not a <typeparamref name="TIsolate"/>.
    /// </summary>
    /// <typeparam name="TIsolate">The isolate's registered type.</typeparam>
    /// <param name="isolate">A live isolate of this runtime.</param>
    public ref TIsolate InstanceOf<TIsolate>(Handle isolate)
        where TIsolate : IIsolate
    {
        if (!_runtime.IsAlive(isolate))
        {
            throw new InvalidOperationException($"{isolate} is not a live isolate of this runtime.");
        }

        if (_runtime.ShardAt(isolate.Shard).TypeTable(isolate.Type) is not IsolateTable<TIsolate> table)
        {
            throw new ArgumentException($"{isolate} is not a {typeof(TIsolate).Name}.", nameof(isolate));
        }

        return ref table.InstanceAt(isolate.Slot);
    }

    /// <summary>Releases the runtime.</summary>
    public void Dispose() => _runtime.Dispose();
}
