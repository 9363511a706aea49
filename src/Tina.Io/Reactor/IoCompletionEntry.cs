namespace Tina.Io.Reactor;

/// <summary>One finished operation from a backend: the submission's token, the kernel-style result (bytes or a new
/// descriptor when non-negative, −errno when negative) and backend flags (<see cref="IoCompletionFlags"/>).</summary>
internal struct IoCompletionEntry
{
    public ulong Token;
    public int Result;
    public uint Flags;

    /// <summary>True when the submission stays armed and more completions with this token will follow (multishot).</summary>
    public readonly bool HasMore => (Flags & IoCompletionFlags.More) != 0;

    /// <summary>True when the completion carries a provided buffer (see <see cref="BufferId"/>), which the reactor now owns
    /// until it calls <see cref="IIoBackend.ReturnProvidedBuffer"/>.</summary>
    public readonly bool HasBuffer => (Flags & IoCompletionFlags.BufferSelected) != 0;

    /// <summary>The provided buffer's id; meaningful only when <see cref="HasBuffer"/>.</summary>
    public readonly ushort BufferId => (ushort)(Flags >> IoCompletionFlags.BufferIdShift);
}
