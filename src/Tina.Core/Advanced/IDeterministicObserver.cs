namespace Tina.Advanced;

/// <summary>
/// Sees what the isolates of a <see cref="DeterministicRuntime"/> do, as it happens, on the driving thread: every
/// message handed to a handler, every effect returned, every spawn and exit. For test kits and simulators; it runs
/// inside the tick, so it must not send, spawn or drive the runtime.
/// </summary>
public interface IDeterministicObserver
{
    /// <summary>A handler is about to run with <paramref name="message"/>.</summary>
    /// <param name="shard">The shard running it.</param>
    /// <param name="isolate">The isolate.</param>
    /// <param name="message">The message (valid for this call only; <see cref="DeterministicRuntime.TagOf"/> reads its tag).</param>
    void OnDispatch(int shard, Handle isolate, in Message message);

    /// <summary>A handler returned <paramref name="effect"/>.</summary>
    /// <param name="shard">The shard running it.</param>
    /// <param name="isolate">The isolate.</param>
    /// <param name="effect">The effect returned.</param>
    void OnEffect(int shard, Handle isolate, Effect effect);

    /// <summary>An isolate was spawned.</summary>
    /// <param name="shard">Its shard.</param>
    /// <param name="isolate">The new isolate.</param>
    /// <param name="parent">Its parent, or <see cref="Handle.None"/>.</param>
    void OnSpawn(int shard, Handle isolate, Handle parent);

    /// <summary>An isolate exited.</summary>
    /// <param name="shard">Its shard.</param>
    /// <param name="isolate">The isolate.</param>
    /// <param name="outcome">How it ended (a handler that threw is <see cref="ExitOutcome.Panicked"/>).</param>
    /// <param name="reason">The application's reason code, for a crash with one.</param>
    void OnExit(int shard, Handle isolate, ExitOutcome outcome, int reason);
}
