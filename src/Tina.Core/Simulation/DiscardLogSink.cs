namespace Tina.Simulation;

/// <summary>The simulator's log sink: records are dropped (the trace ring is the simulation's record).</summary>
internal sealed class DiscardLogSink : ITinaLogSink
{
    public static readonly DiscardLogSink Instance = new();

    public void Write(in LogRecord record)
    {
    }
}
