using System.Collections.Generic;

namespace Tina.Io.Tests.Support;

internal sealed class RecordingLogSink : ITinaLogSink
{
    private readonly object _gate = new();
    private readonly List<LogRecord> _records = new();

    public void Write(in LogRecord record)
    {
        lock (_gate)
        {
            _records.Add(record);
        }
    }

    public List<LogRecord> Snapshot()
    {
        lock (_gate)
        {
            return new List<LogRecord>(_records);
        }
    }
}
