namespace Tina;

/// <summary>
/// An isolate: a plain type holding its state, with one handler. Handlers run on their shard's thread one message
/// at a time; they must not block, await or lock. Everything else goes through the <see cref="Context"/> and the
/// returned <see cref="Effect"/>.
/// </summary>
/// <remarks>
/// Implement it on a <c>sealed class</c> (a new instance per spawn) or on a <c>struct</c> (stored inline in the
/// shard's preallocated slot array: spawning and restarting allocate nothing). An exception thrown by the handler
/// ends this isolate only, with outcome Panicked.
/// </remarks>
public interface IIsolate
{
    /// <summary>Handles one message.</summary>
    /// <param name="ctx">The shard's services for this invocation: send, call, reply, spawn, timers, log.</param>
    /// <param name="message">The message, valid for this invocation only.</param>
    /// <returns>What to do next.</returns>
    Effect OnMessage(ref Context ctx, in Message message);
}
