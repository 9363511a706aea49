using System;

namespace Tina;

/// <summary>Writes log records to standard error, one line each. The default sink.</summary>
public sealed class ConsoleLogSink : ITinaLogSink
{
    /// <summary>The shared instance.</summary>
    public static ConsoleLogSink Instance { get; } = new();

    /// <inheritdoc />
    public void Write(in LogRecord record) => Console.Error.WriteLine(record.ToString());
}
