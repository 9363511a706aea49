using Microsoft.Extensions.Logging;

namespace Tina.Hosting;

/// <summary>Forwards shard log records to an <see cref="ILogger"/>, with shard, tick and isolate as structured fields.</summary>
internal sealed partial class LoggerLogSink : ITinaLogSink
{
    private readonly ILogger _logger;

    public LoggerLogSink(ILogger logger) => _logger = logger;

    public void Write(in LogRecord record)
    {
        var level = (LogLevel)(int)record.Level;
        if (!_logger.IsEnabled(level))
        {
            return;
        }

        #pragma warning disable CA1873 // IsEnabled was checked just above
        LogShardRecord(_logger, level, record.Shard, record.Tick, record.Isolate.ToString(), record.Message, record.Argument0, record.Argument1);
#pragma warning restore CA1873
    }

    [LoggerMessage(EventId = 100, Message = "[shard {Shard} tick {Tick}] {Isolate}: {Text} ({Argument0}, {Argument1})")]
    private static partial void LogShardRecord(ILogger logger, LogLevel level, int shard, long tick, string isolate, string text, long argument0, long argument1);
}
