using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Tina.Io.Reactor;

/// <summary>
/// The 64-bit <c>user_data</c> every submission carries and its completion returns.
/// </summary>
/// <remarks>
/// <para>Layout, high to low:</para>
/// <code>
///  63      | 62..60 | 59..36            | 35..16                 | 15..0
///  internal| op     | connection index  | connection generation  | lane sequence
///  (1 bit) | (3)    | (24)              | (20 low bits)          | (16)
/// </code>
/// <para>The internal bit marks reactor bookkeeping (close, cancel, detach) that no isolate waits for. The op selects
/// the connection's lane (Accept and Receive use the read lane, Connect and Send the write lane). The generation
/// changes when the connection is closed, and the lane sequence on every submission, re-arm or resubmission of a
/// partial send, so each lane holds the exact token of the one operation it has in flight and a completion matches
/// only that token. A connection entry is not reused while a lane still waits for its completion, so a late
/// completion always finds its own lane (and releases what it carries), never the next occupant's: no ABA, even
/// before the 20-bit generation or the 16-bit sequence wrap.</para>
/// </remarks>
internal static class IoToken
{
    public const int SequenceBits = 16;
    public const int GenerationBits = 20;
    public const int IndexBits = 24;
    public const int OpBits = 3;
    public const int GenerationShift = SequenceBits;
    public const int IndexShift = SequenceBits + GenerationBits;
    public const int OpShift = SequenceBits + GenerationBits + IndexBits;
    public const int InternalShift = 63;
    public const ulong SequenceMask = (1UL << SequenceBits) - 1;
    public const ulong GenerationMask = (1UL << GenerationBits) - 1;
    public const ulong IndexMask = (1UL << IndexBits) - 1;
    public const ulong OpMask = (1UL << OpBits) - 1;

    /// <summary>Largest connection index a token can carry.</summary>
    public const int IndexMax = (int)IndexMask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Pack(bool isInternal, IoOpCode op, int index, uint generation, ushort sequence)
    {
        Debug.Assert((uint)index <= IndexMask, "connection index out of range");
        Debug.Assert((ulong)op <= OpMask, "op code out of range");
        return (isInternal ? 1UL << InternalShift : 0)
            | (((ulong)op & OpMask) << OpShift)
            | (((ulong)(uint)index & IndexMask) << IndexShift)
            | (((ulong)generation & GenerationMask) << GenerationShift)
            | sequence;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsInternal(ulong token) => (token >> InternalShift) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static IoOpCode Op(ulong token) => (IoOpCode)((token >> OpShift) & OpMask);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Index(ulong token) => (int)((token >> IndexShift) & IndexMask);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Generation(ulong token) => (uint)((token >> GenerationShift) & GenerationMask);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Sequence(ulong token) => (ushort)(token & SequenceMask);
}
