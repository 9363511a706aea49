namespace Tina.Io.Reactor;

/// <summary>One finished operation from a backend: the submission's token, the kernel-style result (bytes or a new
/// descriptor when non-negative, −errno when negative) and backend flags.</summary>
internal struct IoCompletionEntry
{
    public ulong Token;
    public int Result;
    public uint Flags;
}
