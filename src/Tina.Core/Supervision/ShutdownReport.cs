using System;

namespace Tina;

/// <summary>What a graceful shutdown did.</summary>
/// <param name="IsolatesDrained">Isolates that finished on their own within the timeout.</param>
/// <param name="IsolatesForced">Isolates still running at the timeout and torn down.</param>
/// <param name="MessagesDropped">Queued messages discarded by teardown during the shutdown, plus inbound drops.</param>
/// <param name="Elapsed">Time from the shutdown call to the last shard thread's exit.</param>
/// <param name="ThreadsJoined">True when every shard thread exited.</param>
public readonly record struct ShutdownReport(long IsolatesDrained, long IsolatesForced, long MessagesDropped, TimeSpan Elapsed, bool ThreadsJoined);
