using System.Globalization;

namespace Tina.Simulation;

/// <summary>One entry of the trace ring: what happened, where and when.</summary>
internal readonly struct TraceEvent
{
    public TraceEvent(long round, long nowNanoseconds, TraceEventKind kind, int shard, ulong handle, ulong a, ulong b)
    {
        Round = round;
        NowNanoseconds = nowNanoseconds;
        Kind = kind;
        Shard = shard;
        Handle = handle;
        A = a;
        B = b;
    }

    public long Round { get; }

    public long NowNanoseconds { get; }

    public TraceEventKind Kind { get; }

    public int Shard { get; }

    public ulong Handle { get; }

    public ulong A { get; }

    public ulong B { get; }

    /// <summary>One line for the trace dump.</summary>
    public override string ToString()
    {
        string who = new Tina.Handle(Handle).ToString();
        string what = Kind switch
        {
            TraceEventKind.Round => string.Create(CultureInfo.InvariantCulture, $"round now={A}ns"),
            TraceEventKind.Dispatch => string.Create(
                CultureInfo.InvariantCulture,
                $"dispatch {who} {(MessageKind)(byte)A} status={(CallStatus)(byte)(A >> 8)} type={Tina.Messaging.MessageTypeRegistry.NameOf((uint)(A >> 32))} from={new Tina.Handle(B)}"),
            TraceEventKind.Effect => string.Create(CultureInfo.InvariantCulture, $"effect {who} {(EffectKind)(byte)A} reason={(long)B}"),
            TraceEventKind.Spawn => $"spawn {who} parent={new Tina.Handle(B)}",
            TraceEventKind.Exit => string.Create(CultureInfo.InvariantCulture, $"exit {who} {(ExitOutcome)(byte)A} reason={(long)B}"),
            TraceEventKind.Fault => string.Create(CultureInfo.InvariantCulture, $"fault {(FaultClass)(byte)A} {who} other=0x{B:x}"),
            TraceEventKind.FaultsOff => "faults off, partitions healed",
            _ => string.Create(CultureInfo.InvariantCulture, $"component a=0x{A:x} b=0x{B:x}"),
        };
        return string.Create(CultureInfo.InvariantCulture, $"{Round,8} {NowNanoseconds,16} shard={Shard} {what}");
    }
}
