using System;
using System.Runtime.CompilerServices;
using Tina.Messaging;
using Tina.Scheduling;

namespace Tina;

/// <summary>
/// A handler's access to its shard for one invocation: send, call, reply, spawn, timers, buffers, logging.
/// A <c>ref struct</c>, so it cannot be stored or used after the handler returns. Nothing here blocks, throws on a
/// full resource, or allocates: capacity limits come back as result values.
/// </summary>
public ref struct Context
{
    private readonly Shard _shard;

    internal Context(Shard shard) => _shard = shard;

    /// <summary>The shard running this invocation (for Tina.Io's context extensions).</summary>
    internal readonly Shard Shard => _shard;

    /// <summary>The handle of the isolate being invoked.</summary>
    public readonly Handle Self => _shard.CurrentHandle;

    /// <summary>The shard this isolate runs on.</summary>
    public readonly int ShardId => _shard.Id;

    /// <summary>The number of shards in the runtime.</summary>
    public readonly int ShardCount => _shard.Runtime.ShardCount;

    /// <summary>The shard's clock at the start of this tick (monotonic; the simulator controls it).</summary>
    public readonly TimeSpan Now => TimeSpan.FromTicks(_shard.NowNanoseconds / 100);

    /// <summary>Sends a one-way message. Never blocks or throws; full mailboxes, pools and rings come back as results.</summary>
    /// <typeparam name="T">An unmanaged payload of at most 96 bytes.</typeparam>
    /// <param name="target">Any isolate, on any shard.</param>
    /// <param name="message">The payload, copied into the envelope.</param>
    /// <returns>
    /// The send's result; <see cref="SendResult.ForeignHandle"/> when <paramref name="target"/> was issued by another
    /// runtime (it is never delivered here).
    /// </returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly SendResult Send<T>(Handle target, in T message)
        where T : unmanaged =>
        _shard.RefuseIfForeign(target) ? SendResult.ForeignHandle : _shard.Send(_shard.CurrentHandle, target, in message, MessageKind.User, 0);

    /// <summary>
    /// Calls another isolate: return this effect, and the isolate suspends until a <see cref="MessageKind.Reply"/>
    /// arrives with the reply, a failure or <see cref="CallStatus.Timeout"/>. Mail queued meanwhile waits.
    /// </summary>
    /// <param name="target">The callee.</param>
    /// <param name="request">The request payload.</param>
    /// <param name="timeout">
    /// Mandatory and finite: more than zero, at most one day. Anything else (zero, negative,
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>, longer than a day) throws
    /// <see cref="ArgumentOutOfRangeException"/>.
    /// </param>
    public readonly Effect Call<T>(Handle target, in T request, TimeSpan timeout)
        where T : unmanaged
    {
        if (timeout <= TimeSpan.Zero || timeout > MaxCallTimeout)
        {
            ThrowCallTimeout(timeout);
        }

        // A handle of another runtime names nothing here: the call fails at once with StaleHandle, never delivered.
        _shard.StageCall(_shard.RefuseIfForeign(target) ? Handle.None : target, in request, _shard.TicksFor(timeout));
        return new Effect(EffectKind.Call);
    }

    /// <summary>Answers the call being handled and then waits for the next message.</summary>
    public readonly Effect Reply<T>(in T reply)
        where T : unmanaged
    {
        _shard.ReplyCurrent(in reply);
        return new Effect(EffectKind.Reply);
    }

    /// <summary>Fails the call being handled (the caller sees <see cref="CallStatus.Failed"/>) and waits for the next message.</summary>
    public readonly Effect FailReply()
    {
        _shard.FailCurrent();
        return new Effect(EffectKind.Reply);
    }

    /// <summary>
    /// Keeps the call being handled to answer later (for example after calling another isolate first). False when
    /// the isolate already owes its maximum (<see cref="IsolateTypeSpec.MaxOwedReplies"/>); the caller then gets
    /// <see cref="CallStatus.NoReply"/> when this handler returns.
    /// </summary>
    public readonly bool TryDeferReply(out ReplyToken token) => _shard.TryDeferCurrentCall(out token);

    /// <summary>Answers a deferred call. <see cref="SendResult.StaleHandle"/> when the token was already answered.</summary>
    public readonly SendResult Reply<T>(ReplyToken token, in T reply)
        where T : unmanaged
    {
        if (!_shard.TryDischarge(token))
        {
            return SendResult.StaleHandle;
        }

        return _shard.SendReply(token.Caller, token.Correlation, in reply);
    }

    /// <summary>Fails a deferred call. <see cref="SendResult.StaleHandle"/> when the token was already answered.</summary>
    public readonly SendResult FailReply(ReplyToken token)
    {
        if (!_shard.TryDischarge(token))
        {
            return SendResult.StaleHandle;
        }

        return _shard.SendFailure(token.Caller, token.Correlation, CallStatus.Failed);
    }

    /// <summary>Spawns an isolate on this shard.</summary>
    public readonly SpawnResult Spawn<TIsolate>()
        where TIsolate : IIsolate =>
        _shard.Spawn(_shard.Runtime.TypeIndexOf(typeof(TIsolate)), _shard.CurrentHandle, in NoStart.Value, hasStart: false);

    /// <summary>Spawns an isolate on this shard; <paramref name="start"/> is its first message (kind Start).</summary>
    public readonly SpawnResult Spawn<TIsolate, TStart>(in TStart start)
        where TIsolate : IIsolate
        where TStart : unmanaged =>
        _shard.Spawn(_shard.Runtime.TypeIndexOf(typeof(TIsolate)), _shard.CurrentHandle, in start, hasStart: true);

    /// <summary>
    /// Spawns an isolate on any shard. On this isolate's own shard this is <see cref="Spawn{TIsolate, TStart}(in TStart)"/>
    /// and the result is the spawn's: Ok, <see cref="SendResult.PoolExhausted"/> (no pool slot for the start
    /// message), <see cref="SendResult.ShardUnavailable"/> (not accepting work) or <see cref="SendResult.SpawnFailed"/>
    /// (any other failure; the overload with <c>out SpawnStatus</c> names it). For another shard the request travels
    /// to that shard's spawner and the result is whether it was enqueued. The new isolate sees this isolate as the
    /// start message's <see cref="Message.Source"/>, so it can check in.
    /// </summary>
    public readonly SendResult SpawnOn<TIsolate, TStart>(int shard, in TStart start)
        where TIsolate : IIsolate
        where TStart : unmanaged =>
        _shard.Runtime.SpawnOnFrom(_shard, shard, _shard.Runtime.TypeIndexOf(typeof(TIsolate)), in start, out _);

    /// <summary>
    /// <see cref="SpawnOn{TIsolate, TStart}(int, in TStart)"/>, also reporting the spawn's status: on this isolate's
    /// own shard the real <see cref="SpawnStatus"/> (as <see cref="Spawn{TIsolate, TStart}(in TStart)"/> reports it);
    /// for another shard <see cref="SpawnStatus.Requested"/> or <see cref="SpawnStatus.NotRequested"/>.
    /// </summary>
    public readonly SendResult SpawnOn<TIsolate, TStart>(int shard, in TStart start, out SpawnStatus status)
        where TIsolate : IIsolate, new()
        where TStart : unmanaged =>
        _shard.Runtime.SpawnOnFrom(_shard, shard, _shard.Runtime.TypeIndexOf(typeof(TIsolate)), in start, out status);

    /// <summary>
    /// Spawns a dynamic child into the named one-for-one supervisor group on this shard; it is restarted by
    /// <paramref name="restart"/> with the same start message. A full group is <see cref="SpawnStatus.GroupFull"/>.
    /// </summary>
    public readonly SpawnResult SpawnChild<TIsolate, TStart>(string group, in TStart start, RestartType restart = RestartType.Permanent)
        where TIsolate : IIsolate
        where TStart : unmanaged =>
        _shard.SpawnChild(group, _shard.Runtime.TypeIndexOf(typeof(TIsolate)), in start, hasStart: true, restart);

    /// <summary>Spawns a dynamic child (no start message) into the named one-for-one supervisor group on this shard.</summary>
    public readonly SpawnResult SpawnChild<TIsolate>(string group, RestartType restart = RestartType.Permanent)
        where TIsolate : IIsolate =>
        _shard.SpawnChild(group, _shard.Runtime.TypeIndexOf(typeof(TIsolate)), in NoStart.Value, hasStart: false, restart);

    /// <summary>
    /// Watches any isolate, local or remote: when it exits this isolate gets one <see cref="MessageKind.Down"/>
    /// message (payload <see cref="Down"/>); a stale handle answers Down at once. False when the watch table is full
    /// (or the ring to a remote shard is), and for this isolate itself (it cannot be told of its own exit). A remote
    /// shard whose table is full answers with a Down whose <see cref="Down.Refused"/> is set. A watch ends when
    /// its Down is sent, when <see cref="Unwatch(Handle)"/> removes it, or when this isolate exits.
    /// </summary>
    public readonly bool Watch(Handle target) => _shard.Watch(target);

    /// <summary>
    /// Removes every watch this isolate holds on <paramref name="target"/>. Locally, true when there was one; for a
    /// remote target, true when the request was sent (false when the ring to its shard is full or the shard is not
    /// running). A Down already sent is not recalled: it may still arrive.
    /// </summary>
    public readonly bool Unwatch(Handle target) => _shard.Unwatch(target);

    /// <summary>
    /// Cancels an isolate this isolate spawned: it gets a <see cref="MessageKind.Cancel"/> message before its other
    /// mail and <see cref="TinaSpec.CancelDrainBudget"/> to finish, then ends with outcome Cancelled (torn down if it
    /// is still running at the deadline). <see cref="SendResult.StaleHandle"/> when it is gone or not this isolate's child,
    /// <see cref="SendResult.ForeignHandle"/> when the handle was issued by another runtime.
    /// </summary>
    public readonly SendResult Cancel(Handle child, int reason = 0) =>
        _shard.RefuseIfForeign(child) ? SendResult.ForeignHandle : _shard.CancelChild(child, reason);

    /// <summary>
    /// Cancels a supervisor group on this shard and everything under it, deepest first; its children are not
    /// restarted. False when no group has that name.
    /// </summary>
    public readonly bool CancelGroup(string group, int reason = 0) => _shard.CancelGroup(group, reason);

    /// <summary>Registers a one-shot timer; it fires as a <see cref="MessageKind.Timer"/> message carrying <paramref name="tag"/>.</summary>
    /// <param name="delay">
    /// Zero or more (rounded up to the timer resolution, at least one tick). A delay beyond the wheel's reach (about
    /// 146 years, <see cref="TimeSpan.MaxValue"/> included) saturates to it. Negative, including
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>, throws <see cref="ArgumentOutOfRangeException"/>: a
    /// timer always has a deadline (to wait for nothing, register nothing).
    /// </param>
    /// <param name="tag">Carried by the Timer message.</param>
    /// <returns>The timer's id, or <see cref="TimerId.None"/> when the shard's timer table is full.</returns>
    public readonly TimerId RegisterTimer(TimeSpan delay, long tag)
    {
        if (delay < TimeSpan.Zero)
        {
            ThrowNegativeDelay(delay);
        }

        return _shard.RegisterTimer(_shard.TicksFor(delay), tag);
    }

    /// <summary>The longest call timeout.</summary>
    private static TimeSpan MaxCallTimeout => TimeSpan.FromDays(1);

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowCallTimeout(TimeSpan timeout) =>
        throw new ArgumentOutOfRangeException(
            nameof(timeout), timeout, "A call timeout must be more than zero and at most one day (Timeout.InfiniteTimeSpan is refused: every call ends by its timeout at the latest).");

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowNegativeDelay(TimeSpan delay) =>
        throw new ArgumentOutOfRangeException(
            nameof(delay), delay, "A timer delay must be zero or more (Timeout.InfiniteTimeSpan is refused: a timer always has a deadline).");

    /// <summary>Cancels a timer this isolate registered; false when it already fired or was cancelled.</summary>
    public readonly bool CancelTimer(TimerId timer) => _shard.CancelTimer(timer);

    /// <summary>Rents a shard buffer owned by this isolate; false when the shard's buffers are all in use.</summary>
    public readonly bool TryRentBuffer(out BufferRef buffer) => _shard.TryRentBuffer(out buffer);

    /// <summary>The bytes of a buffer this isolate owns, valid for this invocation; empty when it does not own it.</summary>
    public readonly Span<byte> GetBuffer(BufferRef buffer) => _shard.GetBuffer(buffer);

    /// <summary>
    /// Makes <paramref name="newOwner"/> the owner of a buffer this isolate owns (send the reference in a message
    /// after this). Only on the buffer's home shard; false otherwise or when this isolate is not the owner.
    /// </summary>
    public readonly bool TransferBuffer(BufferRef buffer, Handle newOwner) =>
        !_shard.RefuseIfForeign(newOwner) && _shard.TransferBuffer(buffer, newOwner);

    /// <summary>Gives a buffer this isolate owns back to its home shard's pool.</summary>
    public readonly bool ReleaseBuffer(BufferRef buffer) => _shard.ReleaseBuffer(buffer);

    /// <summary>Writes a log record (the message should be a literal: nothing is formatted until the sink runs).</summary>
    public readonly void Log(TinaLogLevel level, string message, long argument0 = 0, long argument1 = 0) =>
        _shard.Log(level, _shard.CurrentHandle, message, argument0, argument1);

    /// <summary>Asks the runtime to stop; <see cref="TinaRuntime.WaitForStopRequest(TimeSpan)"/> returns.</summary>
    public readonly void RequestStop() => _shard.Runtime.RequestStop();
}
