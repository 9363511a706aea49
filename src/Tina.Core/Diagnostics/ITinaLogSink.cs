namespace Tina;

/// <summary>
/// Where shard log records go. Called on the shard thread at the end of each tick (the log-drain step), so it must
/// be quick; Tina.Hosting forwards to ILogger.
/// </summary>
public interface ITinaLogSink
{
    /// <summary>Writes one record.</summary>
    void Write(in LogRecord record);
}
