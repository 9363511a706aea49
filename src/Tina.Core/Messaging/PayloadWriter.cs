using System.Runtime.CompilerServices;

namespace Tina.Messaging;

/// <summary>Writes a header and a typed payload: the user send path.</summary>
internal readonly ref struct PayloadWriter<T> : IEnvelopeWriter
    where T : unmanaged
{
    private readonly ref readonly T _payload;
    private readonly Handle _source;
    private readonly Handle _target;
    private readonly MessageKind _kind;
    private readonly uint _correlation;

    public PayloadWriter(Handle source, Handle target, ref readonly T payload, MessageKind kind, uint correlation)
    {
        _payload = ref payload;
        _source = source;
        _target = target;
        _kind = kind;
        _correlation = correlation;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ref Message envelope)
    {
        envelope.SetEnvelope(_target, _source, _kind, _correlation, in _payload);
    }
}
