using Microsoft.Extensions.Logging;

namespace Tina.Hosting;

/// <summary>
/// Every ILogger event Tina.Hosting writes, one method per event with a stable EventId (source-generated, so a
/// disabled level costs one check). Shard records carry the shard, tick, isolate and the record's two arguments as
/// structured fields.
/// </summary>
internal static partial class TinaLog
{
    /// <summary>Writes one shard record as the event of its kind (EventId 200 + <see cref="TinaEvent"/>), at its level.</summary>
    public static void Record(ILogger logger, in LogRecord record)
    {
        var level = (LogLevel)(int)record.Level;
        if (!logger.IsEnabled(level))
        {
            return;
        }

        string isolate = record.Isolate.IsNone ? "runtime" : record.Isolate.ToString();
        switch (record.Event)
        {
            case TinaEvent.ThreadPinFailed:
                ThreadPinFailed(logger, level, record.Shard, record.Tick, isolate, record.Message, record.Argument0, record.Argument1);
                break;
            case TinaEvent.ShardStalled:
                ShardStalled(logger, level, record.Shard, record.Tick, isolate, record.Message, record.Argument0, record.Argument1);
                break;
            case TinaEvent.ConstructorFailed:
                ConstructorFailed(logger, level, record.Shard, record.Tick, isolate, record.Message, record.Argument0, record.Argument1);
                break;
            case TinaEvent.IsolateCrashed:
                IsolateCrashed(logger, level, record.Shard, record.Tick, isolate, record.Message, record.Argument0, record.Argument1);
                break;
            case TinaEvent.IsolatePanicked:
                IsolatePanicked(logger, level, record.Shard, record.Tick, isolate, record.Message, record.Argument0, record.Argument1);
                break;
            case TinaEvent.SupervisorEscalated:
                SupervisorEscalated(logger, level, record.Shard, record.Tick, isolate, record.Message, record.Argument0, record.Argument1);
                break;
            case TinaEvent.ShardRebuilding:
                ShardRebuilding(logger, level, record.Shard, record.Tick, isolate, record.Message, record.Argument0, record.Argument1);
                break;
            case TinaEvent.ShardQuarantined:
                ShardQuarantined(logger, level, record.Shard, record.Tick, isolate, record.Message, record.Argument0, record.Argument1);
                break;
            case TinaEvent.IoBackendFallback:
                IoBackendFallback(logger, level, record.Shard, record.Tick, isolate, record.Message, record.Argument0, record.Argument1);
                break;
            case TinaEvent.FileLimitNotRaised:
                FileLimitNotRaised(logger, level, record.Shard, record.Tick, isolate, record.Message, record.Argument0, record.Argument1);
                break;
            case TinaEvent.FileLimitRaised:
                FileLimitRaised(logger, level, record.Shard, record.Tick, isolate, record.Message, record.Argument0, record.Argument1);
                break;
            case TinaEvent.IoCompletionsLost:
                IoCompletionsLost(logger, level, record.Shard, record.Tick, isolate, record.Message, record.Argument0, record.Argument1);
                break;
            case TinaEvent.IoReactorStarted:
                IoReactorStarted(logger, level, record.Shard, record.Tick, isolate, record.Message, record.Argument0, record.Argument1);
                break;
            case TinaEvent.AcceptOverflow:
                AcceptOverflow(logger, level, record.Shard, record.Tick, isolate, record.Message, record.Argument0, record.Argument1);
                break;
            default:
                Application(logger, level, record.Shard, record.Tick, isolate, record.Message, record.Argument0, record.Argument1);
                break;
        }
    }

    private const string ShardTemplate = "[shard {Shard} tick {Tick}] {Isolate}: {Text} ({Argument0}, {Argument1})";

    [LoggerMessage(EventId = 200, EventName = "Application", Message = ShardTemplate)]
    private static partial void Application(ILogger logger, LogLevel level, int shard, long tick, string isolate, string text, long argument0, long argument1);

    [LoggerMessage(EventId = 201, EventName = "ThreadPinFailed", Message = ShardTemplate)]
    private static partial void ThreadPinFailed(ILogger logger, LogLevel level, int shard, long tick, string isolate, string text, long argument0, long argument1);

    [LoggerMessage(EventId = 202, EventName = "ShardStalled", Message = ShardTemplate)]
    private static partial void ShardStalled(ILogger logger, LogLevel level, int shard, long tick, string isolate, string text, long argument0, long argument1);

    [LoggerMessage(EventId = 203, EventName = "ConstructorFailed", Message = ShardTemplate)]
    private static partial void ConstructorFailed(ILogger logger, LogLevel level, int shard, long tick, string isolate, string text, long argument0, long argument1);

    [LoggerMessage(EventId = 204, EventName = "IsolateCrashed", Message = ShardTemplate)]
    private static partial void IsolateCrashed(ILogger logger, LogLevel level, int shard, long tick, string isolate, string text, long argument0, long argument1);

    [LoggerMessage(EventId = 205, EventName = "IsolatePanicked", Message = ShardTemplate)]
    private static partial void IsolatePanicked(ILogger logger, LogLevel level, int shard, long tick, string isolate, string text, long argument0, long argument1);

    [LoggerMessage(EventId = 206, EventName = "SupervisorEscalated", Message = ShardTemplate)]
    private static partial void SupervisorEscalated(ILogger logger, LogLevel level, int shard, long tick, string isolate, string text, long argument0, long argument1);

    [LoggerMessage(EventId = 207, EventName = "ShardRebuilding", Message = ShardTemplate)]
    private static partial void ShardRebuilding(ILogger logger, LogLevel level, int shard, long tick, string isolate, string text, long argument0, long argument1);

    [LoggerMessage(EventId = 208, EventName = "ShardQuarantined", Message = ShardTemplate)]
    private static partial void ShardQuarantined(ILogger logger, LogLevel level, int shard, long tick, string isolate, string text, long argument0, long argument1);

    [LoggerMessage(EventId = 209, EventName = "IoBackendFallback", Message = ShardTemplate)]
    private static partial void IoBackendFallback(ILogger logger, LogLevel level, int shard, long tick, string isolate, string text, long argument0, long argument1);

    [LoggerMessage(EventId = 210, EventName = "FileLimitNotRaised", Message = ShardTemplate)]
    private static partial void FileLimitNotRaised(ILogger logger, LogLevel level, int shard, long tick, string isolate, string text, long argument0, long argument1);

    [LoggerMessage(EventId = 211, EventName = "FileLimitRaised", Message = ShardTemplate)]
    private static partial void FileLimitRaised(ILogger logger, LogLevel level, int shard, long tick, string isolate, string text, long argument0, long argument1);

    [LoggerMessage(EventId = 212, EventName = "IoCompletionsLost", Message = ShardTemplate)]
    private static partial void IoCompletionsLost(ILogger logger, LogLevel level, int shard, long tick, string isolate, string text, long argument0, long argument1);

    [LoggerMessage(EventId = 213, EventName = "IoReactorStarted", Message = ShardTemplate)]
    private static partial void IoReactorStarted(ILogger logger, LogLevel level, int shard, long tick, string isolate, string text, long argument0, long argument1);

    [LoggerMessage(EventId = 214, EventName = "AcceptOverflow", Message = ShardTemplate)]
    private static partial void AcceptOverflow(ILogger logger, LogLevel level, int shard, long tick, string isolate, string text, long argument0, long argument1);

    [LoggerMessage(EventId = 1, EventName = "RuntimeStarted", Level = LogLevel.Information, Message = "Tina started {ShardCount} shards")]
    public static partial void Started(ILogger logger, int shardCount);

    [LoggerMessage(EventId = 2, EventName = "RuntimeStopped", Level = LogLevel.Information,
        Message = "Tina stopped: {Drained} isolates drained, {Forced} forced, {Dropped} messages dropped in {ElapsedMs} ms (threads joined: {Joined})")]
    public static partial void Stopped(ILogger logger, long drained, long forced, long dropped, double elapsedMs, bool joined);

    [LoggerMessage(EventId = 3, EventName = "ShutdownCutShort", Level = LogLevel.Warning,
        Message = "Tina shutdown cut short by the host after {ElapsedMs} ms: shard threads stopped without finishing the drain")]
    public static partial void ShutdownCutShort(ILogger logger, double elapsedMs);

    [LoggerMessage(EventId = 4, EventName = "LogRecordsDropped", Level = LogLevel.Warning,
        Message = "Tina dropped {Dropped} log records on shard {Shard}: its log queue was full")]
    public static partial void LogRecordsDropped(ILogger logger, int shard, long dropped);
}
