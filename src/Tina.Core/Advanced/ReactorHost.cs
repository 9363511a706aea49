using System;
using System.ComponentModel;
using Tina.Scheduling;

namespace Tina.Advanced;

/// <summary>
/// What an I/O layer (Tina.Io, and later Tina.Http) needs from a shard: the public side of the reactor seam. One per
/// shard, handed to the factory registered with <see cref="TinaSpec.UseReactor"/>, which builds the shard's
/// <see cref="IShardReactor"/> from it. Not for application code (hidden from completion).
/// </summary>
/// <remarks>
/// <para>Threading: every member is for the shard's own thread only (inside the reactor's calls, or inside a handler
/// running on that shard), never another thread; nothing here is synchronised. The one cross-thread entry of the seam
/// is <see cref="IShardReactor.Wake"/>, which the shard's signal calls.</para>
/// <para>The I/O sequence rule (design/io.md): every operation is named by (isolate, sequence). <see cref="TryBeginIo"/>
/// gives the current isolate its next sequence; the shard bumps it again on a timeout, a cancellation and an exit;
/// <see cref="CompleteIo{T}"/> accepts a completion only while the isolate waits on exactly that sequence. A false
/// return is a stale completion: the reactor releases what it carries (a buffer, an accepted socket).</para>
/// <para>This type wraps the internal shard with no state of its own, so it changes no behaviour.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ReactorHost
{
    private readonly Shard _shard;

    internal ReactorHost(Shard shard) => _shard = shard;

    /// <summary>The Io effect a handler returns after staging an operation: the shard suspends the isolate until
    /// its completion (<see cref="CompleteIo{T}"/>) or its timeout.</summary>
    public static Effect IoEffect => new(EffectKind.Io);

    /// <summary>The host of the shard a handler runs on; only inside a handler, on the shard's thread.</summary>
    public static ReactorHost Of(ref Context ctx) => ctx.Shard.ReactorHost;

    /// <summary>
    /// Any thread: the reactor of shard <paramref name="shard"/> of <paramref name="runtime"/>, or null before that
    /// shard's first tick creates it (or without I/O). The shard publishes it with a volatile write once; read here
    /// with a volatile read, so a non-null result is a fully built reactor. Only members of the reactor documented as
    /// any-thread may then be called (such as a counters snapshot).
    /// </summary>
    public static IShardReactor? ReactorOf(TinaRuntime runtime, int shard)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        return runtime.ShardAt(shard).PublishedReactor;
    }

    /// <summary>The index of the shard whose pool owns <paramref name="buffer"/>.</summary>
    public static int ShardOf(BufferRef buffer) => buffer.Shard;

    /// <summary>The shard's index (the shard part of every <see cref="Handle"/> on it).</summary>
    public int ShardId => _shard.Id;

    /// <summary>The shard's tick time on its monotonic clock (ns), read once at the start of each tick.</summary>
    public long NowNanoseconds => _shard.NowNanoseconds;

    /// <summary>How many isolate types the shard hosts (type indexes 0..count-1).</summary>
    public int TypeCount => _shard.TypeCount;

    /// <summary>How many isolate slots the shard has for <paramref name="type"/>.</summary>
    public int SlotCount(int type) => _shard.TypeTable(type).SlotCount;

    /// <summary>The shard's reactor, or null before the first tick or without I/O.</summary>
    public IShardReactor? Reactor => _shard.Reactor;

    /// <summary>The isolate whose handler runs now; <see cref="Handle.None"/> outside an invocation.</summary>
    public Handle CurrentHandle => _shard.CurrentHandle;

    /// <summary>True while a handler runs on this shard.</summary>
    public bool InInvocation => _shard.InInvocation;

    /// <summary>True while the current invocation has staged at least one I/O operation.</summary>
    public bool IoStagedInInvocation => _shard.IoStagedInInvocation;

    /// <summary>True when the handle names a live isolate on this shard.</summary>
    public bool IsAlive(Handle isolate) => _shard.IsAlive(isolate);

    /// <summary>Logs through the runtime's sink, tagged with this shard.</summary>
    public void Log(TinaLogLevel level, Handle isolate, string message, long argument0, long argument1, TinaEvent kind = TinaEvent.Application) =>
        _shard.Log(level, isolate, message, argument0, argument1, kind);

    /// <summary>
    /// Called by an I/O method of the context, inside a handler: names the operation (current isolate, its next
    /// sequence) and records its timeout. False outside an invocation, without a reactor, or when the invocation
    /// already staged a call. The handler must then return <see cref="IoEffect"/>; otherwise the shard tells the
    /// reactor to drop the staged operation (<see cref="IShardReactor.DropStaged"/>).
    /// </summary>
    public bool TryBeginIo(TimeSpan timeout, out Handle isolate, out uint sequence) => _shard.TryBeginIo(timeout, out isolate, out sequence);

    /// <summary>
    /// Completes an operation: accepted (true) only while the isolate waits on that sequence; the payload is then
    /// delivered as its IoCompleted message before any mail. False means stale.
    /// </summary>
    public bool CompleteIo<T>(Handle isolate, uint sequence, in T payload)
        where T : unmanaged => _shard.CompleteIo(isolate, sequence, in payload);

    /// <summary>True when the handle names a live isolate waiting for I/O; <paramref name="sequence"/> is what it waits on.</summary>
    public bool TryGetIoWait(Handle isolate, out uint sequence) => _shard.TryGetIoWait(isolate, out sequence);

    /// <summary>True when the live isolate has the completion of that I/O sequence delivered but not yet dispatched.</summary>
    public bool HasIoCompletionReady(Handle isolate, uint sequence) => _shard.HasIoCompletionReady(isolate, sequence);

    /// <summary>True when the handle names a live isolate waiting on that I/O sequence.</summary>
    public bool IsWaitingForIo(Handle isolate, uint sequence) => _shard.IsWaitingForIo(isolate, sequence);
}
