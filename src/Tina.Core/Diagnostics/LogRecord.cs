namespace Tina;

/// <summary>
/// One shard log record as handed to an <see cref="ITinaLogSink"/>. The message is the string the caller passed
/// (a literal, so logging allocates nothing); up to two numeric arguments travel beside it.
/// </summary>
public readonly struct LogRecord
{
    /// <summary>Creates a record (a shard does this for each log call; sinks' tests may too).</summary>
    /// <param name="shard">The shard that wrote it.</param>
    /// <param name="tick">The shard's tick counter when it was written.</param>
    /// <param name="isolate">The isolate that wrote it, or <see cref="Handle.None"/>.</param>
    /// <param name="level">Severity.</param>
    /// <param name="message">The message text.</param>
    /// <param name="argument0">First numeric argument.</param>
    /// <param name="argument1">Second numeric argument.</param>
    public LogRecord(int shard, long tick, Handle isolate, TinaLogLevel level, string message, long argument0, long argument1)
        : this(shard, tick, isolate, level, message, argument0, argument1, TinaEvent.Application)
    {
    }

    /// <summary>Creates a record of a given kind.</summary>
    /// <param name="shard">The shard that wrote it.</param>
    /// <param name="tick">The shard's tick counter when it was written.</param>
    /// <param name="isolate">The isolate that wrote it, or <see cref="Handle.None"/>.</param>
    /// <param name="level">Severity.</param>
    /// <param name="message">The message text.</param>
    /// <param name="argument0">First numeric argument.</param>
    /// <param name="argument1">Second numeric argument.</param>
    /// <param name="kind">What it is about.</param>
    public LogRecord(int shard, long tick, Handle isolate, TinaLogLevel level, string message, long argument0, long argument1, TinaEvent kind)
    {
        Event = kind;
        Shard = shard;
        Tick = tick;
        Isolate = isolate;
        Level = level;
        Message = message;
        Argument0 = argument0;
        Argument1 = argument1;
    }

    /// <summary>What it is about (<see cref="TinaEvent.Application"/> for an isolate's own records).</summary>
    public TinaEvent Event { get; }

    /// <summary>The shard that wrote it.</summary>
    public int Shard { get; }

    /// <summary>The shard's tick counter when it was written.</summary>
    public long Tick { get; }

    /// <summary>The isolate that wrote it, or <see cref="Handle.None"/> for the runtime.</summary>
    public Handle Isolate { get; }

    /// <summary>Severity.</summary>
    public TinaLogLevel Level { get; }

    /// <summary>The message text.</summary>
    public string Message { get; }

    /// <summary>First numeric argument.</summary>
    public long Argument0 { get; }

    /// <summary>Second numeric argument.</summary>
    public long Argument1 { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"[shard {Shard} tick {Tick}] {Level} {Isolate}: {Message} ({Argument0}, {Argument1})";
}
