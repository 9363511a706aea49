using System.Runtime.CompilerServices;

namespace Tina.Messaging;

/// <summary>Copies a prepared envelope: calls and other system sends built before their target was resolved.</summary>
internal readonly ref struct CopyWriter : IEnvelopeWriter
{
    private readonly ref Message _prepared;

    public CopyWriter(ref Message prepared) => _prepared = ref prepared;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ref Message envelope) => Message.CopyCompact(ref envelope, in _prepared);
}
