using Microsoft.Extensions.Logging;

namespace Tina.Hosting;

/// <summary>
/// Every ILogger event Tina.Hosting writes, one method per event with a stable EventId (source-generated, so a
/// disabled level costs one check). Shard records carry the shard, tick, isolate and the record's two arguments as
/// structured fields.
/// </summary>
internal static partial class TinaLog
{
    public static void Record(ILogger logger, in LogRecord record)
    {
        var level = (LogLevel)(int)record.Level;
        if (!logger.IsEnabled(level))
        {
            return;
        }

        string isolate = record.Isolate.IsNone ? "runtime" : record.Isolate.ToString();
        switch (record.Level)
        {
            case TinaLogLevel.Trace:
                ShardTrace(logger, record.Shard, record.Tick, isolate, record.Message, record.Argument0, record.Argument1);
                break;
            case TinaLogLevel.Debug:
                ShardDebug(logger, record.Shard, record.Tick, isolate, record.Message, record.Argument0, record.Argument1);
                break;
            case TinaLogLevel.Information:
                ShardInformation(logger, record.Shard, record.Tick, isolate, record.Message, record.Argument0, record.Argument1);
                break;
            case TinaLogLevel.Warning:
                ShardWarning(logger, record.Shard, record.Tick, isolate, record.Message, record.Argument0, record.Argument1);
                break;
            case TinaLogLevel.Error:
                ShardError(logger, record.Shard, record.Tick, isolate, record.Message, record.Argument0, record.Argument1);
                break;
            default:
                ShardCritical(logger, record.Shard, record.Tick, isolate, record.Message, record.Argument0, record.Argument1);
                break;
        }
    }

    private const string ShardTemplate = "[shard {Shard} tick {Tick}] {Isolate}: {Text} ({Argument0}, {Argument1})";

    [LoggerMessage(EventId = 100, EventName = "ShardTrace", Level = LogLevel.Trace, Message = ShardTemplate)]
    private static partial void ShardTrace(ILogger logger, int shard, long tick, string isolate, string text, long argument0, long argument1);

    [LoggerMessage(EventId = 101, EventName = "ShardDebug", Level = LogLevel.Debug, Message = ShardTemplate)]
    private static partial void ShardDebug(ILogger logger, int shard, long tick, string isolate, string text, long argument0, long argument1);

    [LoggerMessage(EventId = 102, EventName = "ShardInformation", Level = LogLevel.Information, Message = ShardTemplate)]
    private static partial void ShardInformation(ILogger logger, int shard, long tick, string isolate, string text, long argument0, long argument1);

    [LoggerMessage(EventId = 103, EventName = "ShardWarning", Level = LogLevel.Warning, Message = ShardTemplate)]
    private static partial void ShardWarning(ILogger logger, int shard, long tick, string isolate, string text, long argument0, long argument1);

    [LoggerMessage(EventId = 104, EventName = "ShardError", Level = LogLevel.Error, Message = ShardTemplate)]
    private static partial void ShardError(ILogger logger, int shard, long tick, string isolate, string text, long argument0, long argument1);

    [LoggerMessage(EventId = 105, EventName = "ShardCritical", Level = LogLevel.Critical, Message = ShardTemplate)]
    private static partial void ShardCritical(ILogger logger, int shard, long tick, string isolate, string text, long argument0, long argument1);

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
