using System.Runtime.CompilerServices;

namespace Tina.Messaging;

/// <summary>The 96-byte inline payload of an envelope (12 × 8 bytes keeps it 8-byte aligned).</summary>
[InlineArray(Length)]
internal struct MessagePayload
{
    /// <summary>Payload words.</summary>
    public const int Length = 12;

    /// <summary>Payload size in bytes.</summary>
    public const int SizeBytes = Length * sizeof(ulong);

    private ulong _element0;
}
