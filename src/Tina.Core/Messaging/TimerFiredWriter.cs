using System.Runtime.CompilerServices;

namespace Tina.Messaging;

/// <summary>Writes a Timer message: the owner, no source, and the tag as the payload's first word (no type tag).</summary>
internal readonly ref struct TimerFiredWriter : IEnvelopeWriter
{
    private readonly Handle _owner;
    private readonly long _tag;

    public TimerFiredWriter(Handle owner, long tag)
    {
        _owner = owner;
        _tag = tag;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ref Message envelope)
    {
        envelope.SetHeader(_owner, Handle.None, MessageKind.Timer, 0);
        envelope.SetWord0(_tag);
    }
}
