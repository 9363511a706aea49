namespace Tina;

/// <summary>
/// What a log record is about: one value per kind of event the runtime logs, so a sink can map each to its own
/// stable event (Tina.Hosting gives each an ILogger EventId of 200 + the value). Records written with
/// <see cref="Context.Log"/> are <see cref="Application"/>. Values are stable; new ones are added at the end.
/// </summary>
public enum TinaEvent : ushort
{
    /// <summary>Written by an isolate (<see cref="Context.Log"/>).</summary>
    Application = 0,
    /// <summary>A shard thread could not be pinned to its CPU (cpu, errno).</summary>
    ThreadPinFailed = 1,
    /// <summary>The watchdog saw a shard's heartbeat stop while it was not parked (milliseconds stalled).</summary>
    ShardStalled = 2,
    /// <summary>An isolate constructor (or factory) threw; the spawn failed (type index).</summary>
    ConstructorFailed = 3,
    /// <summary>An isolate ended with outcome Error (reason).</summary>
    IsolateCrashed = 4,
    /// <summary>An isolate's handler threw; it ended Panicked.</summary>
    IsolatePanicked = 5,
    /// <summary>A supervisor exhausted its restart budget and escalated (node).</summary>
    SupervisorEscalated = 6,
    /// <summary>The root supervisor escalated; the shard is being rebuilt.</summary>
    ShardRebuilding = 7,
    /// <summary>A shard was rebuilt too often and is quarantined.</summary>
    ShardQuarantined = 8,
    /// <summary>io_uring was asked for but could not start; the shard fell back to epoll.</summary>
    IoBackendFallback = 9,
    /// <summary>The open-file limit could not be raised (errno, soft limit).</summary>
    FileLimitNotRaised = 10,
    /// <summary>The open-file soft limit was raised to the hard limit (soft, hard).</summary>
    FileLimitRaised = 11,
    /// <summary>The I/O backend dropped completions; the reactor resynced (events).</summary>
    IoCompletionsLost = 12,
    /// <summary>A shard's I/O reactor started (connections, buffers).</summary>
    IoReactorStarted = 13,
    /// <summary>A listener's connection table was full (listener entry, overloads since the last warning).</summary>
    AcceptOverflow = 14,
}
