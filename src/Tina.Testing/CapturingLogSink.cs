using System.Collections.Generic;

namespace Tina.Testing;

/// <summary>Keeps every log record, for <see cref="IsolateTestKit{TIsolate}.Logs"/>.</summary>
internal sealed class CapturingLogSink : ITinaLogSink
{
    public List<LogRecord> Records { get; } = new();

    public void Write(in LogRecord record) => Records.Add(record);
}
