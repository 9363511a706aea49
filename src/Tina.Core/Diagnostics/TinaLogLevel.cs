namespace Tina;

/// <summary>Severity of a shard log record; the values match Microsoft.Extensions.Logging.LogLevel.</summary>
public enum TinaLogLevel : byte
{
    /// <summary>Very detailed tracing.</summary>
    Trace = 0,
    /// <summary>Debugging detail.</summary>
    Debug = 1,
    /// <summary>Normal operation.</summary>
    Information = 2,
    /// <summary>Something unexpected that the runtime handled.</summary>
    Warning = 3,
    /// <summary>A failure, such as an isolate crash.</summary>
    Error = 4,
    /// <summary>A failure that stops a shard or the runtime.</summary>
    Critical = 5,
    /// <summary>Filters everything out.</summary>
    None = 6,
}
